import { request as httpRequest, type Agent } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import type { LookupFunction } from 'node:net';

/** Why a request failed before an answer arrived. */
export type HttpFailure =
  /** Nobody listens there. */
  | 'refused'
  /** No answer within the timeout. */
  | 'timeout'
  /** The connection broke mid-way. */
  | 'reset'
  /** The TLS handshake failed (an untrusted certificate, a name it does not cover). */
  | 'tls'
  /** Anything else at the network level. */
  | 'network';

/** A request that got no HTTP answer; `failure` says why (callers map it to their own code). */
export class HttpRequestFailure extends Error {
  override readonly name = 'HttpRequestFailure';
  constructor(
    readonly failure: HttpFailure,
    readonly target: string,
    options?: { cause?: unknown },
  ) {
    super(`Request to ${target} failed: ${failure}`, options);
  }
}

/** One plain HTTP request. */
export interface HttpRequestOptions {
  readonly url: string | URL;
  /** Sent verbatim instead of the URL's path (which `new URL` would normalise: `/a/../b` → `/b`). */
  readonly path?: string;
  /** @default 'GET' */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON when defined. */
  readonly body?: unknown;
  /** Sent as `application/x-www-form-urlencoded` instead of `body` (an OAuth token request). */
  readonly form?: Readonly<Record<string, string>>;
  /** @default 5000 */
  readonly timeoutMs?: number;
  /** A keep-alive agent (an https one for `https:` URLs); the global agent when absent. */
  readonly agent?: Agent | HttpsAgent;
  /** CA certificates (PEM) to trust for an `https:` URL, instead of the system's. */
  readonly ca?: string;
  /** Resolves the URL's host name for a new connection (the topology's DNS); the OS resolver when absent. */
  readonly lookup?: LookupFunction;
}

/** Any HTTP answer; the body is parsed when it is JSON, else the text (undefined when empty). */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Sends one request with node:http (node:https for an `https:` URL); network failures reject with HttpRequestFailure. */
export function sendHttpRequest(options: HttpRequestOptions): Promise<HttpResponse> {
  const url = new URL(options.url);
  const payload = options.form ? new URLSearchParams(options.form).toString() : options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string | number> = { accept: 'application/json', ...options.headers };
  if (payload !== undefined) {
    headers['content-type'] = options.form ? 'application/x-www-form-urlencoded' : 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  const target = url.host;
  return new Promise((resolve, reject) => {
    const requestOptions = {
      method: options.method ?? 'GET',
      headers,
      agent: options.agent,
      timeout: options.timeoutMs ?? 5000,
      ...(options.path === undefined ? {} : { path: options.path }),
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, requestOptions as Parameters<typeof httpsRequest>[1], (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => reject(new HttpRequestFailure('reset', target, { cause: error })));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: flattenHeaders(res.headers), body: parseBody(text, res.headers['content-type']) });
      });
    });
    req.on('timeout', () => req.destroy(new HttpRequestFailure('timeout', target)));
    req.on('error', (error) => reject(error instanceof HttpRequestFailure ? error : new HttpRequestFailure(classify(error), target, { cause: error })));
    req.end(payload);
  });
}

function classify(error: NodeJS.ErrnoException): HttpFailure {
  if (error.code === 'ECONNREFUSED') return 'refused';
  if (error.code?.startsWith('ERR_TLS') || error.code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || error.code === 'SELF_SIGNED_CERT_IN_CHAIN' || error.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE') return 'tls';
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return 'reset';
  return 'network';
}

function flattenHeaders(headers: NodeJS.Dict<string | string[]>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (!contentType?.includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
