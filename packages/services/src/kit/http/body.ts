import type { IncomingMessage } from 'node:http';
import { httpErrors } from '../errors.js';

const jsonType = /^application\/([\w.+-]*\+)?json\s*(;|$)/i;

/** Whether the request announces a body (a length above 0, or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/** An idle time between two chunks of a body, and the error to fail with past it. */
export interface BodyIdle {
  readonly ms: number;
  readonly error: () => Error;
}

/**
 * Reads the raw body, failing with HTTP_BODY_TOO_LARGE past `limit` bytes, and with
 * `idle.error()` when the client sends nothing for `idle.ms` (reset by every chunk). Either way
 * it stops reading and leaves the request open (paused), so the caller can still answer on
 * the connection: breaking out of `for await` would destroy the request, and its socket with
 * it, before any answer (the client, often a proxy, saw a reset instead of the 413).
 */
export function readBody(req: IncomingMessage, limit: number, idle?: BodyIdle): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = idle ? setTimeout(() => fail(idle.error()), idle.ms) : undefined;
    const stop = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        timer?.refresh();
        chunks.push(chunk);
        return;
      }
      fail(tooLarge(limit));
    };
    const fail = (error: Error) => {
      stop();
      req.pause();
      reject(error);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    // The client went away mid-body ('aborted' comes without an error event on some paths).
    const onClose = () => {
      stop();
      reject(Object.assign(new Error('The request was aborted before its body ended.'), { code: 'ECONNRESET' }));
    };
    if (req.readableEnded) {
      stop();
      resolve(Buffer.alloc(0));
      return;
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
    req.resume();
  });
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
