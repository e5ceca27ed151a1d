import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { httpErrors, ServiceError } from '../kit/errors.js';
import type { Telemetry } from '../kit/telemetry.js';

/**
 * The `errors` of a response, each with `extensions.code`: a ServiceError thrown by a resolver
 * keeps its code, message and hint; a request error keeps the code it was refused with; anything
 * else is HTTP_INTERNAL with the kit's generic message (its own text may hold data, so it is logged
 * by code and path only, the stack in `cause`).
 */
export function formatErrors(errors: readonly GraphQLError[], telemetry: Telemetry, traceId: string): GraphQLFormattedError[] {
  return errors.map((error) => {
    const { locations, path } = error;
    const where = { ...(locations ? { locations } : {}), ...(path ? { path } : {}) };
    const original = error.originalError;
    if (original instanceof ServiceError) {
      if (original.status >= 500) telemetry.warn('field failed', { errorCode: original.code, path: path?.join('.'), traceId, cause: String(original.cause ?? '') });
      return { message: original.message, ...where, extensions: { code: original.code, ...(original.hint ? { hint: original.hint } : {}) } };
    }
    if (!original && typeof error.extensions.code === 'string') return { message: error.message, ...where, extensions: { ...error.extensions } };
    const internal = httpErrors.HTTP_INTERNAL();
    telemetry.error('field failed', { errorCode: internal.code, path: path?.join('.'), traceId, cause: (original ?? error).stack });
    return { message: internal.message, ...where, extensions: { code: internal.code } };
  });
}
