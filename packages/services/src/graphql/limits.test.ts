import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { measureOperation } from './limits.js';
import { createGraphqlSchema } from './schema.js';
import { runOverFakes as attempt } from '#test-support/graphql.js';

const schema = createGraphqlSchema();

function measure(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  return measureOperation({ schema, document, operation: getOperationAST(document)!, variables });
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
    expect(viaFragments).toEqual({ depth: 4, cost: 1 + 1 + 3 * 2, calls: 2 });
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

/** `{ a0: field a1: field … }`: `n` aliases of `field`. */
const aliased = (n: number, field = 'me { inbox(limit: 1) { id } }') => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

describe('runGraphql aliases (GraphQL Armor max-aliases, its default of 15)', () => {
  it('runs 15 aliases and refuses 16 with GRAPHQL_TOO_MANY_ALIASES before anything is called', async () => {
    const fifteen = await attempt(aliased(15));
    expect(fifteen.outcome.kind === 'executed' && fifteen.outcome.result.errors).toBeUndefined();
    const sixteen = await attempt(aliased(16));
    expect(sixteen.outcome.kind === 'refused' && [sixteen.outcome.error.code, sixteen.outcome.errors.length]).toEqual(['GRAPHQL_TOO_MANY_ALIASES', 1]);
    expect(sixteen.outcome.kind === 'refused' && sixteen.outcome.errors[0]?.extensions).toMatchObject({ code: 'GRAPHQL_TOO_MANY_ALIASES', maxAliases: 15 });
    expect(sixteen.caller.calls).toHaveLength(0);
  });

  it('counts aliases through fragments (each spread) and inline fragments, an aliased __typename free', async () => {
    const eight = Array.from({ length: 8 }, (_, i) => `x${i}: userId`).join(' ');
    const spreadTwice = await attempt(`{ a: me { ...f } b: me { ...f } } fragment f on Viewer { ${eight} }`);
    expect(spreadTwice.outcome.kind === 'refused' && spreadTwice.outcome.error.code).toBe('GRAPHQL_TOO_MANY_ALIASES');
    const inline = await attempt(`{ me { ... on Viewer { ${eight} ${eight.replaceAll('x', 'y')} } } }`);
    expect(inline.outcome.kind === 'refused' && inline.outcome.error.code).toBe('GRAPHQL_TOO_MANY_ALIASES');
    const typenames = await attempt(`{ me { ${Array.from({ length: 30 }, (_, i) => `t${i}: __typename`).join(' ')} } }`);
    expect(typenames.outcome.kind).toBe('executed');
  });

  it('refuses an alias flood in an operation that would not run, and before the spec’s rules (an invalid flood is still this code)', async () => {
    const unrun = await attempt(`query Small { me { userId } } query Flood ${aliased(16)}`);
    expect(unrun.outcome.kind === 'refused' && unrun.outcome.error.code).toBe('GRAPHQL_TOO_MANY_ALIASES');
    const invalid = await attempt(aliased(16, 'me { nope }'));
    expect(invalid.outcome.kind === 'refused' && invalid.outcome.error.code).toBe('GRAPHQL_TOO_MANY_ALIASES');
  });
});

describe('upstream call budget', () => {
  it('measures a call per field that reads a service, again for each alias, a list’s items batched into one', () => {
    expect(measure('{ me { userId } }').calls).toBe(0);
    expect(measure('{ me { username firstName profile { bio } inbox { id } } }').calls).toBe(4);
    expect(measure('{ me { inbox(limit: 50) { from { username profile { displayName } } } } }').calls).toBe(3);
    expect(measure(aliased(15)).calls).toBe(15);
  });

  it('refuses an operation over maxCalls with GRAPHQL_COST_EXCEEDED before any upstream call, and runs one at it', async () => {
    const query = aliased(5, 'me { username profile { displayName } inbox(limit: 1) { id } }');
    const over = await attempt(query, { limits: { maxCalls: 14 } });
    expect(over.outcome.kind === 'refused' && over.outcome.errors[0]?.extensions).toMatchObject({ code: 'GRAPHQL_COST_EXCEEDED', calls: 15, maxCalls: 14 });
    expect(over.caller.calls).toHaveLength(0);
    const at = await attempt(query, { limits: { maxCalls: 15 } });
    expect(at.outcome.kind === 'executed' && at.outcome.result.errors).toBeUndefined();
    // One lookup at auth, one at profile, one inbox read: the loaders ask for each thing once.
    expect(at.caller.calls.map((call) => call.service).sort()).toEqual(['auth', 'mail', 'profile']);
  });

  it('never makes more calls than it measured, whatever the query asks for', async () => {
    const queries = [
      '{ me { userId username firstName profile { displayName bio location } inbox(limit: 50) { id subject snippet sentAt read fromAddress from { userId username firstName profile { displayName } } } } }',
      '{ me { a: inbox(limit: 2) { from { profile { displayName } } } b: inbox(limit: 50) { from { username } } } }',
      '{ a: me { username inbox { from { username } } } b: me { firstName inbox(limit: 3) { from { profile { displayName } } } } }',
    ];
    for (const query of queries) {
      const { outcome, caller } = await attempt(query);
      expect(outcome.kind === 'executed' && outcome.result.errors).toBeUndefined();
      expect(caller.calls.length).toBeLessThanOrEqual(measure(query).calls);
    }
  });

  it('fails the field whose call is past the budget at run time (the backstop), the rest of the answer kept', async () => {
    // The static count allows it; the upstream client allows one call: auth's (asked first), not profile's.
    const { outcome, caller, upstream } = await attempt('{ me { username profile { displayName } } }', { budget: 1 });
    expect(outcome.kind === 'executed' && outcome.result.data).toEqual({ me: { username: 'viewer', profile: null } });
    const error = outcome.kind === 'executed' ? outcome.result.errors?.[0] : undefined;
    expect([error?.path, (error?.originalError as { code?: string }).code]).toEqual([['me', 'profile'], 'GRAPHQL_COST_EXCEEDED']);
    expect([caller.calls.length, upstream.calls()]).toEqual([1, 1]);
  });
});
