import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Telemetry } from '../telemetry.js';
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
  constructor(
    readonly failure: CallFailure,
    readonly target: string,
    options?: { cause?: unknown },
  ) {
    super(`Call to ${target} failed: ${failure}`, options);
  }
}

/** One outgoing JSON call. */
export interface CallOptions {
  readonly host: string;
  readonly port: number;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
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
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string | number> = { ...opts.headers, traceparent: formatTraceparent(trace) };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const started = performance.now();
    const start = Date.now();
    const record = (status: number | undefined, failure?: CallFailure) =>
      options.telemetry?.span({
        traceId: trace.traceId,
        spanId: trace.spanId,
        ...(trace.parentSpanId ? { parentSpanId: trace.parentSpanId } : {}),
        kind: 'client',
        name: opts.name ?? `${opts.method} ${opts.path}`,
        start,
        durationMs: performance.now() - started,
        ...(status === undefined ? {} : { status }),
        attributes: { target, ...opts.attributes, ...(failure ? { failure } : {}) },
      });

    return new Promise<CallResult<T>>((resolve, reject) => {
      const req = httpRequest(
        { host: opts.host, port: opts.port, method: opts.method, path: opts.path, headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => fail('reset', error));
          res.on('end', () => {
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            const isJson = (res.headers['content-type'] ?? '').includes('json');
            let body: unknown = text;
            if (isJson && text.length > 0) {
              try {
                body = JSON.parse(text);
              } catch {
                body = text;
              }
            } else if (text.length === 0) body = undefined;
            record(res.statusCode ?? 0);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body as T });
          });
        },
      );
      const timer = setTimeout(() => {
        fail('timeout');
        req.destroy();
      }, opts.timeoutMs ?? defaultTimeout);
      let failed = false;
      function fail(failure: CallFailure, cause?: unknown): void {
        if (failed) return;
        failed = true;
        clearTimeout(timer);
        record(undefined, failure);
        reject(new CallError(failure, target, { cause }));
      }
      req.on('error', (error: NodeJS.ErrnoException) => fail(classify(error), error));
      req.end(payload);
    });
  }

  return { call, close: () => agent.destroy() };
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
