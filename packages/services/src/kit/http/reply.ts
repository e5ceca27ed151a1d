import type { ServerResponse } from 'node:http';
import type { ErrorBody } from '../../contract/errors.js';
import { httpErrors, ServiceError } from '../errors.js';

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

/** Writes a JSON answer (or an empty one for `undefined`). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (body === undefined) {
    res.statusCode = status;
    res.end();
    return;
  }
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(payload));
  res.end(payload);
}

/** Turns anything thrown into a ServiceError; unknown errors become HTTP_INTERNAL (their text is never sent). */
export function toServiceError(error: unknown): ServiceError {
  return error instanceof ServiceError ? error : httpErrors.HTTP_INTERNAL({ cause: error });
}

/** Writes the JSON error answer of `error`. */
export function sendError(res: ServerResponse, error: ServiceError): void {
  const body: ErrorBody = error.toBody();
  sendJson(res, error.status, body, error.headers);
}
