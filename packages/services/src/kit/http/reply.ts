import type { ServerResponse } from 'node:http';
import { sendErrorBody } from '../../contract/http/reply.js';
import { httpErrors, ServiceError } from '../errors.js';

export { sendJson } from '../../contract/http/reply.js';

/** An answer with a status other than 200, or with headers. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/** Builds a Reply: `return reply(201, { id })`. */
export function reply(status: number, body?: unknown, headers?: Readonly<Record<string, string>>): Reply {
  return new Reply(status, body, headers);
}

/** Turns anything thrown into a ServiceError; unknown errors become HTTP_INTERNAL (their text is never sent). */
export function toServiceError(error: unknown): ServiceError {
  return error instanceof ServiceError ? error : httpErrors.HTTP_INTERNAL({ cause: error });
}

/** Writes the JSON error answer of `error` (the contract's serializer: with `connection: close` it drains the body and closes). */
export function sendError(res: ServerResponse, error: ServiceError): void {
  sendErrorBody(res, error.status, error.toBody(), error.headers);
}
