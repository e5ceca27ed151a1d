import type { IncomingMessage } from 'node:http';
import { httpErrors } from '../errors.js';

const jsonType = /^application\/([\w.+-]*\+)?json\s*(;|$)/i;

/** Whether the request announces a body (a length above 0, or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/** Reads the raw body, failing with HTTP_BODY_TOO_LARGE past `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

const formType = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * Reads and parses a JSON body; `undefined` when there is none. With `form`, an
 * `application/x-www-form-urlencoded` body is accepted too (an OAuth token request, RFC 6749
 * §4.4.2), as an object of its first value per name.
 */
export async function readJsonBody(req: IncomingMessage, limit: number, form = false): Promise<unknown> {
  if (!hasBody(req)) return undefined;
  const type = req.headers['content-type'];
  if (form && type !== undefined && formType.test(type)) {
    const fields: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams((await readBody(req, limit)).toString('utf8'))) fields[name] ??= value;
    return fields;
  }
  if (type === undefined || !jsonType.test(type)) throw httpErrors.HTTP_UNSUPPORTED_MEDIA_TYPE();
  const raw = await readBody(req, limit);
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (error) {
    throw httpErrors.HTTP_BODY_MALFORMED({ cause: error });
  }
}

function tooLarge(limit: number) {
  return httpErrors.HTTP_BODY_TOO_LARGE({
    message: `The request body is larger than the limit of ${limit} bytes.`,
    headers: { connection: 'close' },
  });
}
