import { request as httpRequest, type Agent } from 'node:http';

/** Why a request failed before an answer arrived. */
export type HttpFailure =
  /** Nobody listens there. */
  | 'refused'
  /** No answer within the timeout. */
  | 'timeout'
  /** The connection broke mid-way. */
  | 'reset'
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
  /** @default 5000 */
  readonly timeoutMs?: number;
  /** A keep-alive agent; the global agent when absent. */
  readonly agent?: Agent;
}

/** Any HTTP answer; the body is parsed when it is JSON, else the text (undefined when empty). */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Sends one request with node:http; network failures reject with HttpRequestFailure. */
export function sendHttpRequest(options: HttpRequestOptions): Promise<HttpResponse> {
  const url = new URL(options.url);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string | number> = { accept: 'application/json', ...options.headers };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  const target = url.host;
  return new Promise((resolve, reject) => {
    const requestOptions = { method: options.method ?? 'GET', headers, agent: options.agent, timeout: options.timeoutMs ?? 5000, ...(options.path === undefined ? {} : { path: options.path }) };
    const req = httpRequest(url, requestOptions, (res) => {
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
