import type { ErrorBody } from '../contract/errors.js';

/** How one error code behaves: its HTTP status, its one-line message and an optional hint. */
export interface ErrorDefinition {
  readonly status: number;
  readonly message: string;
  readonly hint?: string;
}

/** Options of a thrown ServiceError. */
export interface ServiceErrorOptions {
  readonly status: number;
  readonly hint?: string | undefined;
  readonly cause?: unknown;
  readonly details?: ErrorBody['error']['details'];
  /** Extra headers for the answer (`Retry-After`, `Allow`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An error a service answers with: a stable code, an HTTP status, a one-line message. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly code: string;
  readonly status: number;
  readonly hint: string | undefined;
  readonly details: ErrorBody['error']['details'];
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(code: string, message: string, options: ServiceErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.hint = options.hint;
    this.details = options.details;
    this.headers = options.headers;
  }

  /** The JSON body of the answer. */
  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.hint === undefined ? {} : { hint: this.hint }),
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

/** Extra data a factory accepts when it builds an error. */
export interface ErrorExtras {
  /** Replaces the default message (built from structured data, never a secret). */
  readonly message?: string;
  readonly cause?: unknown;
  readonly details?: ErrorBody['error']['details'];
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One row of an error table: the HTTP status, the one-line message and, where there is
 * something to do, the hint (`CODE: [404, 'No such resource.', 'Check the path.']`).
 */
export type ErrorRow = readonly [status: number, message: string, hint?: string];

/** A table of error factories, one per code. */
export type ErrorFactories<T extends Record<string, ErrorRow>> = {
  readonly [K in keyof T]: (extras?: ErrorExtras) => ServiceError;
} & { readonly definitions: Readonly<Record<keyof T, ErrorDefinition>> };

/** The definition of one row: `hint` only where the row has one. */
function definitionOf([status, message, hint]: ErrorRow): ErrorDefinition {
  return hint === undefined ? { status, message } : { status, message, hint };
}

/**
 * Declares a service's error codes in one table, a row per code (fastify's `lib/errors.js`
 * habit), and returns a factory per code, plus the definitions so a test and docs/errors.md
 * can list every code.
 */
export function defineErrors<T extends Record<string, ErrorRow>>(rows: T): ErrorFactories<T> {
  const definitions = Object.fromEntries(Object.entries(rows).map(([code, row]) => [code, definitionOf(row)]));
  const factories: Record<string, unknown> = { definitions: Object.freeze(definitions) };
  for (const [code, definition] of Object.entries(definitions)) {
    factories[code] = (extras: ErrorExtras = {}) =>
      new ServiceError(code, extras.message ?? definition.message, {
        status: definition.status,
        hint: definition.hint,
        cause: extras.cause,
        details: extras.details,
        headers: extras.headers,
      });
  }
  return Object.freeze(factories) as ErrorFactories<T>;
}

/** Codes every service can answer with, raised by the kit's HTTP layer. */
export const httpErrors = defineErrors({
  HTTP_NOT_FOUND: [404, 'No such resource.', 'Check the method and path.'],
  HTTP_METHOD_NOT_ALLOWED: [405, 'This method is not allowed here.', 'See the Allow header.'],
  HTTP_BODY_MALFORMED: [400, 'The request body is not valid JSON.', 'Send a JSON object.'],
  HTTP_BODY_TOO_LARGE: [413, 'The request body is larger than the limit.', 'Send at most 1 MiB.'],
  HTTP_UNSUPPORTED_MEDIA_TYPE: [415, 'The request body must be JSON.', 'Set Content-Type: application/json.'],
  HTTP_VALIDATION_FAILED: [400, 'The request does not have the expected shape.', 'See error.details for each field.'],
  HTTP_IDENTITY_UNVERIFIED: [401, 'This route serves a signed-in user, and the request carries no identity assertion from the gateway that verifies.', 'Call it through the gateway with a bearer token: services trust only the gateway’s signed x-jwt-assertion, never a bare x-user-id.'],
  HTTP_INTERNAL: [500, 'Something went wrong inside the service.', 'See the instance log.'],
});
