import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { recordTelemetry } from '../kit/testing.js';
import { startServerTrace } from '../kit/trace.js';
import { measureOperation } from './limits.js';
import { createRequestLoaders } from './loaders.js';
import { createRoot } from './resolvers.js';
import { defaultRunLimits, runGraphql, type RunLimits } from './run-query.js';
import { createGraphqlSchema } from './schema.js';
import { createFakeCaller } from './testing.js';
import { createUpstream } from './upstream.js';

const schema = createGraphqlSchema();

function measure(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  return measureOperation({ schema, document, operation: getOperationAST(document)!, variables });
}

async function attempt(query: string, options: { limits?: Partial<RunLimits>; introspection?: boolean; variables?: Record<string, unknown>; method?: 'GET' | 'POST' } = {}) {
  const caller = createFakeCaller();
  const upstream = createUpstream({ caller });
  const trace = startServerTrace(undefined);
  const loaders = createRequestLoaders({ upstream, telemetry: recordTelemetry('graphql').telemetry, trace });
  const outcome = await runGraphql({
    schema,
    params: { query, ...(options.variables ? { variables: options.variables } : {}) },
    method: options.method ?? 'POST',
    limits: { ...defaultRunLimits, ...options.limits },
    introspection: options.introspection ?? false,
    rootValue: createRoot('u-viewer'),
    contextValue: { viewerId: 'u-viewer', loaders, upstream, trace },
  });
  return { outcome, caller };
}

describe('measureOperation', () => {
  it('counts nesting levels, __typename for nothing', () => {
    expect(measure('{ me { userId } }').depth).toBe(2);
    expect(measure('{ me { inbox { from { profile { displayName __typename } } } } }').depth).toBe(5);
  });

  it('costs 1 a field, a list field times its limit (20 when not given)', () => {
    expect(measure('{ me { userId username } }').cost).toBe(3);
    // me 1 + inbox (1 + 20 × (subject 1 + from (1 + profile (1 + displayName 1))))
    expect(measure('{ me { inbox { subject from { profile { displayName } } } } }').cost).toBe(1 + 1 + 20 * 4);
    expect(measure('{ me { inbox(limit: 5) { id } } }').cost).toBe(1 + 1 + 5);
    expect(measure('query ($n: Int) { me { inbox(limit: $n) { id } } }', { n: 50 }).cost).toBe(1 + 1 + 50);
  });

  it('adds up aliases and expands fragments where they are spread', () => {
    expect(measure('{ a: me { inbox(limit: 50) { id } } b: me { inbox(limit: 50) { id } } }').cost).toBe(2 * (1 + 1 + 50));
    const viaFragments = measure('{ me { ...box } } fragment box on Viewer { inbox(limit: 3) { ... on Message { from { ...who } } } } fragment who on User { username }');
    expect(viaFragments).toEqual({ depth: 4, cost: 1 + 1 + 3 * 2 });
  });
});

describe('runGraphql limits', () => {
  it('refuses a query deeper than maxDepth before anything is called', async () => {
    const { outcome, caller } = await attempt('{ me { inbox { from { profile { displayName } } } } }', { limits: { maxDepth: 4 } });
    expect(outcome.kind).toBe('refused');
    if (outcome.kind !== 'refused') return;
    expect(outcome.error.code).toBe('GRAPHQL_DEPTH_EXCEEDED');
    expect(outcome.errors[0]?.extensions).toMatchObject({ code: 'GRAPHQL_DEPTH_EXCEEDED', depth: 5, maxDepth: 4 });
    expect(caller.calls).toHaveLength(0);
  });

  it('refuses a query costlier than maxCost (ten aliased inboxes of 50) before anything is called', async () => {
    const aliases = Array.from({ length: 10 }, (_, i) => `m${i}: me { inbox(limit: 50) { subject from { username profile { displayName } } } }`).join(' ');
    const { outcome, caller } = await attempt(`{ ${aliases} }`);
    expect(outcome.kind === 'refused' && [outcome.error.code, outcome.errors[0]?.extensions.maxCost]).toEqual(['GRAPHQL_COST_EXCEEDED', 1000]);
    expect(caller.calls).toHaveLength(0);
    const one = await attempt(`{ ${aliases.split(' m1:')[0]} }`);
    expect(one.outcome.kind).toBe('executed');
  });

  it('refuses a document past maxTokens at the parser, and a malformed one with its location', async () => {
    const long = await attempt(`{ me { ${'userId '.repeat(50)} } }`, { limits: { maxTokens: 40 } });
    expect(long.outcome.kind === 'refused' && long.outcome.error.code).toBe('GRAPHQL_PARSE_FAILED');
    const broken = await attempt('{ me { userId }');
    expect(broken.outcome.kind === 'refused' && [broken.outcome.error.code, broken.outcome.errors[0]?.locations]).toEqual(['GRAPHQL_PARSE_FAILED', [{ line: 1, column: 16 }]]);
  });

  it('answers introspection only when enabled', async () => {
    const off = await attempt('{ __schema { queryType { name } } }');
    expect(off.outcome.kind === 'refused' && off.outcome.error.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const on = await attempt('{ __schema { queryType { name } } }', { introspection: true });
    expect(on.outcome.kind === 'executed' && on.outcome.result.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('refuses bad variables, an unknown operation, a mutation, and a GET of anything but a query', async () => {
    const variables = await attempt('query ($n: Int) { me { inbox(limit: $n) { id } } }', { variables: { n: 'many' } });
    expect(variables.outcome.kind === 'refused' && variables.outcome.error.code).toBe('GRAPHQL_VARIABLES_INVALID');
    const unknown = await attempt('query A { me { userId } } query B { me { username } }');
    expect(unknown.outcome.kind === 'refused' && unknown.outcome.error.code).toBe('GRAPHQL_OPERATION_UNKNOWN');
    const mutation = await attempt('mutation { deleteEverything }');
    expect(mutation.outcome.kind === 'refused' && mutation.outcome.error.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const viaGet = await attempt('mutation { deleteEverything }', { method: 'GET' });
    expect(viaGet.outcome.kind === 'refused' && viaGet.outcome.error.code).toBe('GRAPHQL_METHOD_NOT_ALLOWED');
  });
});
