import { Agent, request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { performance } from 'node:perf_hooks';
import { spanIn, type Telemetry } from '../telemetry.js';
import { formatTraceparent, startChildTrace, type TraceContext } from '../trace.js';

/** Why an outgoing call failed before an answer arrived. */
export type CallFailure =
  /** Nobody listens there: the request never reached a server, so it is always safe to retry. */
  | 'refused'
  /** No answer within the timeout: the server may have acted. */
  | 'timeout'
  /** The connection broke mid-way. */
  | 'reset'
  /** Anything else at the network level. */
  | 'network';

/** A call to another instance failed at the network level (not an HTTP error status). */
export class CallError extends Error {
  override readonly name = 'CallError';
  /** Whether the failed attempt used a kept-alive socket (a reset there usually means the server had closed it). */
  readonly reusedSocket: boolean;

  constructor(
    readonly failure: CallFailure,
    readonly target: string,
    options?: { cause?: unknown; reusedSocket?: boolean },
  ) {
    super(`Call to ${target} failed: ${failure}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reusedSocket = options?.reusedSocket ?? false;
  }
}

/** One outgoing JSON call. */
export interface CallOptions {
  readonly host: string;
  readonly port: number;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  /** Sent as `application/x-www-form-urlencoded` instead of a JSON `body` (an OAuth token request). */
  readonly form?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** The caller's span: the call becomes its child and carries `traceparent`. */
  readonly trace?: TraceContext;
  /** Span name. @default `${method} ${path}` */
  readonly name?: string;
  /** Span attributes (`peer: 'sms#1'`). */
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
  /** @default the client's timeout */
  readonly timeoutMs?: number;
}

/** The answer of a call: any status, body parsed as JSON when it is JSON. */
export interface CallResult<T = unknown> {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: T;
}

/** Options of createHttpClient. */
export interface HttpClientOptions {
  /** Records a client span per call when given. */
  readonly telemetry?: Telemetry;
  /** @default 2000 */
  readonly timeoutMs?: number;
  /** @default 64 */
  readonly maxSockets?: number;
}

/** A keep-alive JSON client for calls between instances. */
export interface HttpClient {
  call<T = unknown>(options: CallOptions): Promise<CallResult<T>>;
  /** Closes idle sockets. */
  close(): void;
}

/** Creates a JSON client over one keep-alive agent, with timeouts and client spans. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  const defaultTimeout = options.timeoutMs ?? 2000;

  function call<T>(opts: CallOptions): Promise<CallResult<T>> {
    const trace = startChildTrace(opts.trace);
    const target = `${opts.host}:${opts.port}`;
    const payload = opts.form ? new URLSearchParams(opts.form).toString() : opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string | number> = { ...opts.headers, traceparent: formatTraceparent(trace) };
    if (payload !== undefined) {
      headers['content-type'] = opts.form ? 'application/x-www-form-urlencoded' : 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const started = performance.now();
    const start = Date.now();
    const record = (status: number | undefined, failure?: CallFailure) =>
      options.telemetry?.span(spanIn(trace, {
        kind: 'client',
        name: opts.name ?? `${opts.method} ${opts.path}`,
        start,
        durationMs: performance.now() - started,
        ...(status === undefined ? {} : { status }),
        attributes: { target, ...opts.attributes, ...(failure ? { failure } : {}) },
      }));

    const send = () => sendOnce<T>({ host: opts.host, port: opts.port, method: opts.method, path: opts.path, headers, agent }, payload, opts.timeoutMs ?? defaultTimeout);
    return send()
      // A kept-alive socket the server had already closed resets before it read the request
      // (Node's documented `reusedSocket` race): send it again once, on a fresh socket.
      .catch((error: unknown) => (error instanceof CallError && error.failure === 'reset' && error.reusedSocket ? send() : Promise.reject(error)))
      .then(
        (result) => {
          record(result.status);
          return result;
        },
        (error: unknown) => {
          record(undefined, error instanceof CallError ? error.failure : 'network');
          throw error;
        },
      );
  }

  return { call, close: () => agent.destroy() };
}

function sendOnce<T>(request: RequestOptions, payload: string | undefined, timeoutMs: number): Promise<CallResult<T>> {
  const target = `${request.host}:${request.port}`;
  return new Promise<CallResult<T>>((resolve, reject) => {
    const req = httpRequest(request, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => fail('reset', error));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parseBody(res.headers['content-type'], Buffer.concat(chunks).toString('utf8')) as T });
      });
    });
    const timer = setTimeout(() => {
      fail('timeout');
      req.destroy();
    }, timeoutMs);
    let failed = false;
    function fail(failure: CallFailure, cause?: unknown): void {
      if (failed) return;
      failed = true;
      clearTimeout(timer);
      reject(new CallError(failure, target, { cause, reusedSocket: req.reusedSocket }));
    }
    req.on('error', (error: NodeJS.ErrnoException) => fail(classify(error), error));
    req.end(payload);
  });
}

function parseBody(contentType: string | undefined, text: string): unknown {
  if (text.length === 0) return undefined;
  if (!(contentType ?? '').includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function classify(error: NodeJS.ErrnoException): CallFailure {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return 'network';
  }
}
