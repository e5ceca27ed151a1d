import {
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import type { ServiceError } from '../kit/errors.js';
import { graphqlErrors } from './errors.js';
import { defaultQueryLimits, measureOperation, type QueryLimits, type QueryMeasure } from './limits.js';
import type { GraphqlParams } from './http-params.js';
import { findTooManyAliases } from './max-aliases.js';

/** Parser and validator bounds besides depth and cost. */
export interface RunLimits extends QueryLimits {
  /** Most tokens the parser reads before giving up (a huge document is refused before it is a tree). @default 2000 */
  readonly maxTokens: number;
}

/** The limits when none are given: depth 8, cost 1000, lists of 20, 15 aliases, 20 upstream calls, 2000 tokens. */
export const defaultRunLimits: RunLimits = Object.freeze({ ...defaultQueryLimits, maxTokens: 2000 });

/** Options of runGraphql. */
export interface RunGraphqlOptions {
  readonly schema: GraphQLSchema;
  readonly params: GraphqlParams;
  /** GET may run only a query (GraphQL over HTTP). */
  readonly method: 'GET' | 'POST';
  readonly limits: RunLimits;
  /** Whether `__schema` and `__type` are answered. */
  readonly introspection: boolean;
  readonly rootValue: unknown;
  readonly contextValue: unknown;
}

/** What became of a request: refused before it ran (a request error, no `data`), or executed. */
export type GraphqlOutcome =
  | { readonly kind: 'refused'; readonly error: ServiceError; readonly errors: readonly GraphQLError[] }
  | { readonly kind: 'executed'; readonly result: ExecutionResult; readonly measure: QueryMeasure };

/** A request error with a stable code (the GraphQLError's own message and locations kept). */
function refuse(error: ServiceError, errors: readonly GraphQLError[] = [new GraphQLError(error.message)]): GraphqlOutcome {
  const extensions = { code: error.code, ...(error.hint ? { hint: error.hint } : {}) };
  return {
    kind: 'refused',
    error,
    errors: errors.map((one) => new GraphQLError(one.message, { nodes: one.nodes ?? null, source: one.source ?? null, positions: one.positions ?? null, extensions: { ...one.extensions, ...extensions } })),
  };
}

/**
 * Parses, validates, measures and only then executes: a query with too many aliases, too deep,
 * too costly or needing too many upstream calls is refused before a single resolver runs
 * (OWASP's GraphQL cheat sheet).
 */
export async function runGraphql(options: RunGraphqlOptions): Promise<GraphqlOutcome> {
  const { schema, params, limits } = options;
  let document: DocumentNode;
  try {
    document = parse(params.query, { maxTokens: limits.maxTokens });
  } catch (error) {
    return refuse(graphqlErrors.GRAPHQL_PARSE_FAILED(), [error as GraphQLError]);
  }
  const aliased = findTooManyAliases(schema, document, limits.maxAliases);
  if (aliased.length > 0) return refuse(graphqlErrors.GRAPHQL_TOO_MANY_ALIASES(), aliased);
  const rules = options.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const invalid = validate(schema, document, rules, { maxErrors: 10 });
  if (invalid.length > 0) return refuse(graphqlErrors.GRAPHQL_VALIDATION_FAILED(), invalid);

  const operation = getOperationAST(document, params.operationName);
  if (!operation) {
    const message = params.operationName ? `The document has no operation named ${params.operationName}.` : 'The document has several operations: name one with operationName.';
    return refuse(graphqlErrors.GRAPHQL_OPERATION_UNKNOWN({ message }));
  }
  if (options.method === 'GET' && operation.operation !== 'query') return refuse(graphqlErrors.GRAPHQL_METHOD_NOT_ALLOWED());
  if (!schema.getRootType(operation.operation)) {
    return refuse(graphqlErrors.GRAPHQL_VALIDATION_FAILED({ message: `The schema has no ${operation.operation} operations.` }));
  }

  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], params.variables ?? {}, { maxErrors: 10 });
  if (coerced.errors) return refuse(graphqlErrors.GRAPHQL_VARIABLES_INVALID(), coerced.errors);

  const measure = measureOperation({ schema, document, operation, variables: coerced.coerced, defaultListSize: limits.defaultListSize });
  if (measure.depth > limits.maxDepth) {
    const error = graphqlErrors.GRAPHQL_DEPTH_EXCEEDED({ message: `The query nests ${measure.depth} levels deep; the limit is ${limits.maxDepth}.` });
    return refuse(error, [new GraphQLError(error.message, { extensions: { depth: measure.depth, maxDepth: limits.maxDepth } })]);
  }
  if (measure.cost > limits.maxCost) {
    const error = graphqlErrors.GRAPHQL_COST_EXCEEDED({ message: `The query would cost ${measure.cost}; the limit is ${limits.maxCost}.` });
    return refuse(error, [new GraphQLError(error.message, { extensions: { cost: measure.cost, maxCost: limits.maxCost } })]);
  }
  if (measure.calls > limits.maxCalls) {
    const error = graphqlErrors.GRAPHQL_COST_EXCEEDED({ message: `The query could make ${measure.calls} calls to the services behind graphql; the limit is ${limits.maxCalls}.` });
    return refuse(error, [new GraphQLError(error.message, { extensions: { calls: measure.calls, maxCalls: limits.maxCalls } })]);
  }

  const result = await execute({
    schema,
    document,
    rootValue: options.rootValue,
    contextValue: options.contextValue,
    variableValues: params.variables ?? {},
    ...(params.operationName ? { operationName: params.operationName } : {}),
  });
  return { kind: 'executed', result, measure };
}
