import type { ServiceError } from '../kit/errors.js';
import { graphqlErrors } from './errors.js';
import * as z from '../kit/zod.js';

/** The parameters of a GraphQL-over-HTTP request. */
export interface GraphqlParams {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  readonly operationName?: string;
}

/** The two response media types of GraphQL over HTTP. */
export type GraphqlMediaType =
  /** The spec's own type: a request error answers 400. */
  | 'application/graphql-response+json'
  /** The legacy type (and the default): a well-formed request answers 200, errors or not. */
  | 'application/json';

const paramsShape = z.object({
  query: z.string().check(z.minLength(1, 'query must not be empty')),
  variables: z.nullish(z.record(z.string(), z.unknown())),
  operationName: z.nullish(z.string().check(z.maxLength(256))),
  extensions: z.nullish(z.record(z.string(), z.unknown())),
});

function checked(value: unknown): GraphqlParams {
  const parsed = z.safeParse(paramsShape, value);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || 'body', message: issue.message }));
    throw graphqlErrors.GRAPHQL_REQUEST_INVALID({ details });
  }
  const { query, variables, operationName } = parsed.data;
  return { query, ...(variables ? { variables } : {}), ...(operationName ? { operationName } : {}) };
}

/** The parameters of a POST: a JSON object `{ query, variables?, operationName?, extensions? }`. */
export function paramsFromBody(body: unknown): GraphqlParams {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw graphqlErrors.GRAPHQL_REQUEST_INVALID({ message: 'The body must be one JSON object (batches are not served).' });
  return checked(body);
}

/** The parameters of a GET: `?query=`, and `variables` / `extensions` as JSON text. */
export function paramsFromQuery(query: Readonly<Record<string, string>>): GraphqlParams {
  const json = (name: 'variables' | 'extensions'): unknown => {
    const text = query[name];
    if (text === undefined || text === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw graphqlErrors.GRAPHQL_REQUEST_INVALID({ message: `The ${name} parameter is not JSON.` });
    }
  };
  return checked({ query: query.query, variables: json('variables'), operationName: query.operationName || undefined, extensions: json('extensions') });
}

/** The media type to answer with: the spec's own when the client accepts it, else JSON (also without an Accept header). */
export function responseMediaType(accept: string | undefined): GraphqlMediaType {
  const accepts = (accept ?? '').split(',').some((range) => {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    return type === 'application/graphql-response+json' && !parameters.some((parameter) => /^q=0(\.0*)?$/.test(parameter));
  });
  return accepts ? 'application/graphql-response+json' : 'application/json';
}

/**
 * The HTTP status of a request error (GraphQL over HTTP): a body that is no GraphQL request is
 * 400 and GET of a mutation 405 either way; a document that fails to parse, validate or fit
 * the limits is 400 in `application/graphql-response+json` and 200 in `application/json`.
 */
export function refusedStatus(error: ServiceError, mediaType: GraphqlMediaType): number {
  if (error.code === 'GRAPHQL_REQUEST_INVALID' || error.status === 405) return error.status;
  return mediaType === 'application/graphql-response+json' ? error.status : 200;
}
