import type { IncomingMessage } from 'node:http';

const jsonType = /^application\/([\w.+-]*\+)?json\s*(;|$)/i;
const formType = /^application\/x-www-form-urlencoded\s*(;|$)/i;

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

/** How to read a raw body: its limit, and the error past it (each server its own code). */
export interface BodyOptions {
  /** Most bytes taken; a declared or received length above it fails with `tooLarge`. */
  readonly limit: number;
  readonly tooLarge: (limit: number) => Error;
  /** Fail when the client sends nothing for this long (reset by every chunk). @default none */
  readonly idle?: BodyIdle | undefined;
}

/** How to read a JSON body: the raw body's options, the errors of its type and syntax, and whether a form is taken too. */
export interface JsonBodyOptions extends BodyOptions {
  /** The body is neither JSON nor (with `form`) a form. */
  readonly unsupportedType: () => Error;
  /** The body is not valid JSON. */
  readonly malformed: (cause: unknown) => Error;
  /** Also accept `application/x-www-form-urlencoded` (an OAuth token request, RFC 6749 §4.4.2). @default false */
  readonly form?: boolean | undefined;
}

/**
 * Reads the raw body, failing with `tooLarge(limit)` past `limit` bytes, and with
 * `idle.error()` when the client sends nothing for `idle.ms` (reset by every chunk). Either way
 * it stops reading and leaves the request open (paused), so the caller can still answer on
 * the connection: breaking out of `for await` would destroy the request, and its socket with
 * it, before any answer (the client, often a proxy, saw a reset instead of the 413).
 */
export function readBody(req: IncomingMessage, options: BodyOptions): Promise<Buffer> {
  const { limit, tooLarge, idle } = options;
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

/**
 * Reads and parses a JSON body; `undefined` when there is none. With `form`, an
 * `application/x-www-form-urlencoded` body is accepted too, as an object of its first value
 * per name. Any other type fails with `unsupportedType()` before a byte is read.
 */
export async function readJsonBody(req: IncomingMessage, options: JsonBodyOptions): Promise<unknown> {
  if (!hasBody(req)) return undefined;
  const type = req.headers['content-type'];
  if (options.form === true && type !== undefined && formType.test(type)) {
    const fields: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams((await readBody(req, options)).toString('utf8'))) fields[name] ??= value;
    return fields;
  }
  if (type === undefined || !jsonType.test(type)) throw options.unsupportedType();
  const raw = await readBody(req, options);
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (error) {
    throw options.malformed(error);
  }
}
