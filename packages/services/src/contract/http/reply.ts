import type { ServerResponse } from 'node:http';
import type { ErrorBody } from '../errors.js';
import { answerThenClose } from './drain.js';

/** Writes a JSON answer (or an empty one for `undefined`); once the answer has started it only ends it. */
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

/**
 * Writes an error answer, `{ error: { code, message, hint? } }`: the one serializer of the
 * services' errors and the control API's. With `connection: close` among the headers (a body
 * refused unread) it drains the rest of the body first and closes the connection after the
 * answer (answerThenClose), so the client gets the answer and a clean close, never a reset.
 */
export function sendErrorBody(res: ServerResponse, status: number, body: ErrorBody, headers: Readonly<Record<string, string>> = {}): void {
  if (headers.connection === 'close') answerThenClose(res.req, res, () => sendJson(res, status, body, headers));
  else sendJson(res, status, body, headers);
}
