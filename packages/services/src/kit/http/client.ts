import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { createUpstreamAgents, wentOutOnUsedSocket, type UpstreamAgents } from '../proxy/upstream-agents.js';
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
}

/** A keep-alive JSON client for calls between instances. */
export interface HttpClient {
  call<T = unknown>(options: CallOptions): Promise<CallResult<T>>;
  /** Closes idle sockets. */
  close(): void;
}

/**
 * Creates a JSON client on undici (the proxy hop's keep-alive agent, which tells a reset of a
 * kept-alive socket), with timeouts and client spans.
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  // close() drops every connection but leaves the client usable (as node:http's agent.destroy() did): a new agent on the next call.
  let agents: UpstreamAgents | undefined;
  const defaultTimeout = options.timeoutMs ?? 2000;

  function call<T>(opts: CallOptions): Promise<CallResult<T>> {
    const trace = startChildTrace(opts.trace);
    const target = `${opts.host}:${opts.port}`;
    const payload = opts.form ? new URLSearchParams(opts.form).toString() : opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = { ...opts.headers, traceparent: formatTraceparent(trace) };
    if (payload !== undefined) {
      headers['content-type'] = opts.form ? 'application/x-www-form-urlencoded' : 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
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

    const send = () => sendOnce<T>((agents ??= createUpstreamAgents()).reusable, { origin: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`, method: opts.method as Dispatcher.HttpMethod, path: opts.path, headers, ...(payload === undefined ? {} : { body: payload }) }, target, opts.timeoutMs ?? defaultTimeout);
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

  return {
    call,
    close() {
      agents?.close();
      agents = undefined;
    },
  };
}

async function sendOnce<T>(agent: Dispatcher, request: Dispatcher.RequestOptions, target: string, timeoutMs: number): Promise<CallResult<T>> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  try {
    const res = await agent.request({ ...request, signal: timeout.signal });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers as IncomingHttpHeaders, body: parseBody(headerValue(res.headers['content-type']), text) as T };
  } catch (error) {
    const failure = timeout.signal.aborted ? 'timeout' : classify(error as NodeJS.ErrnoException);
    throw new CallError(failure, target, { cause: error, reusedSocket: failure === 'reset' && wentOutOnUsedSocket(error as Error) });
  } finally {
    clearTimeout(timer);
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
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
    // undici: the other side closed the connection.
    case 'UND_ERR_SOCKET':
      return 'reset';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'timeout';
    default:
      return 'network';
  }
}
