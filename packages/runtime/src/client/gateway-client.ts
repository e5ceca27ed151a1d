import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { runtimeError } from '../errors/error-codes.js';
import { HttpRequestFailure, sendHttpRequest } from './http-request.js';
import { createTraceparent } from './traceparent.js';

/** One request through the gateway. */
export interface GatewayRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  /** `/auth/login`, with a query string if any; sent verbatim (dot segments are not resolved). */
  readonly path: string;
  /** Sent as JSON when defined. */
  readonly body?: unknown;
  /** Access token, sent as `Authorization: Bearer …`. */
  readonly token?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** @default the client's timeoutMs */
  readonly timeoutMs?: number;
}

/** The answer, with the trace the request started. */
export interface GatewayResponse<T = unknown> {
  readonly status: number;
  /** Parsed JSON, the text of a non-JSON answer, or undefined when empty. */
  readonly body: T;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Pass to `topology.traces.waitForTrace(traceId, { parentSpanId: spanId })` to see the hops. */
  readonly traceId: string;
  /** The span id this client put in `traceparent` (the parent of the gateway's span). */
  readonly spanId: string;
  /** Wall time of the request, from send to the end of the body. */
  readonly durationMs: number;
}

/** Options of createGatewayClient. */
export interface GatewayClientOptions {
  /** @default 10000 */
  readonly timeoutMs?: number;
}

/** A keep-alive HTTP client for the gateway that starts a fresh trace per request. */
export interface GatewayClient {
  readonly baseUrl: string;
  /** Any HTTP status resolves; CLIENT_UNREACHABLE / CLIENT_TIMEOUT reject. */
  request<T = unknown>(request: GatewayRequest): Promise<GatewayResponse<T>>;
  /** Closes the keep-alive sockets. */
  close(): void;
}

/** Creates a client for `baseUrl` (`http://127.0.0.1:8080`). */
export function createGatewayClient(baseUrl: string, options: GatewayClientOptions = {}): GatewayClient {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const defaultTimeout = options.timeoutMs ?? 10_000;
  return {
    baseUrl,
    async request<T>(request: GatewayRequest): Promise<GatewayResponse<T>> {
      const trace = createTraceparent();
      const headers: Record<string, string> = { ...request.headers, traceparent: trace.header };
      if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
      const started = performance.now();
      const url = new URL(baseUrl);
      try {
        const response = await sendHttpRequest({ url, path: request.path, method: request.method, headers, body: request.body, agent, timeoutMs: request.timeoutMs ?? defaultTimeout });
        return { ...response, body: response.body as T, traceId: trace.traceId, spanId: trace.spanId, durationMs: performance.now() - started };
      } catch (error) {
        if (!(error instanceof HttpRequestFailure)) throw error;
        const where = `${request.method} ${request.path}`;
        if (error instanceof HttpRequestFailure && error.failure === 'timeout') {
          throw runtimeError('CLIENT_TIMEOUT', { message: `${where} got no answer from ${url.host} in time.`, cause: error, details: { traceId: trace.traceId } });
        }
        throw runtimeError('CLIENT_UNREACHABLE', {
          message: `${where} could not reach ${url.host} (${error.failure}).`,
          cause: error,
          details: { traceId: trace.traceId },
        });
      }
    },
    close: () => agent.destroy(),
  };
}
