import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { runtimeError } from '../errors/error-codes.js';
import type { EdgeResolver } from './edge-resolver.js';
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
  /** Wall time of the request, from send to the end of the body (a DNS lookup included). */
  readonly durationMs: number;
  /** The address the host name resolved to and was dialled, when the client resolved it through the topology's DNS. */
  readonly address?: string;
}

/** Options of createGatewayClient. */
export interface GatewayClientOptions {
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** CA certificate (PEM) to trust for an `https:` base URL: the topology's local CA. @default the system's */
  readonly ca?: string;
  /**
   * Resolves the base URL's host name when it is in the resolver's zone (`www.topolab.test`):
   * each request starts from the A records (a lookup joins its trace), dials them in turn, and
   * tries the next one when an address refuses the connection, as curl does.
   */
  readonly resolver?: EdgeResolver;
}

/** A keep-alive HTTP client for the gateway that starts a fresh trace per request. */
export interface GatewayClient {
  readonly baseUrl: string;
  /** Any HTTP status resolves; CLIENT_UNREACHABLE / CLIENT_TIMEOUT reject. */
  request<T = unknown>(request: GatewayRequest): Promise<GatewayResponse<T>>;
  /** Closes the keep-alive sockets. */
  close(): void;
}

/** Creates a client for `baseUrl` (`http://127.0.0.1:8080`, `https://www.topolab.test:8443`). */
export function createGatewayClient(baseUrl: string, options: GatewayClientOptions = {}): GatewayClient {
  const base = new URL(baseUrl);
  const newAgent = () => (base.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 64, ...(options.ca ? { ca: options.ca } : {}) }) : new Agent({ keepAlive: true, maxSockets: 64 }));
  const agent = newAgent();
  // One keep-alive pool per resolved address: a request for the next A record goes to that
  // gateway, not down a socket the pool opened to another one.
  const agents = new Map<string, Agent | HttpsAgent>();
  const agentFor = (address: string | undefined) => {
    if (address === undefined) return agent;
    let pooled = agents.get(address);
    if (!pooled) agents.set(address, (pooled = newAgent()));
    return pooled;
  };
  const defaultTimeout = options.timeoutMs ?? 10_000;
  const resolver = options.resolver?.covers(base.hostname) ? options.resolver : undefined;
  let turn = 0;

  /** The addresses to dial in order: the A records, rotated one step per request (DNS round robin). */
  async function addressesFor(traceHeader: string): Promise<string[] | undefined> {
    if (!resolver) return undefined;
    const { addresses } = await resolver.lookup(base.hostname, traceHeader);
    const start = turn++ % addresses.length;
    return [...addresses.slice(start), ...addresses.slice(0, start)];
  }

  return {
    baseUrl,
    async request<T>(request: GatewayRequest): Promise<GatewayResponse<T>> {
      const trace = createTraceparent();
      const headers: Record<string, string> = { ...request.headers, traceparent: trace.header };
      if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
      const started = performance.now();
      const url = base;
      const addresses = await addressesFor(trace.header);
      try {
        for (let attempt = 0; ; attempt += 1) {
          const address = addresses?.[attempt];
          try {
            const response = await sendHttpRequest({
              url,
              path: request.path,
              method: request.method,
              headers,
              body: request.body,
              agent: agentFor(address),
              timeoutMs: request.timeoutMs ?? defaultTimeout,
              ...(options.ca ? { ca: options.ca } : {}),
              ...(address ? { lookup: fixedLookup(address) } : {}),
            });
            return { ...response, body: response.body as T, traceId: trace.traceId, spanId: trace.spanId, durationMs: performance.now() - started, ...(address ? { address } : {}) };
          } catch (error) {
            // Refused: nothing was sent, so any method may go to the next address.
            if (!(error instanceof HttpRequestFailure) || error.failure !== 'refused' || !addresses || !address || attempt + 1 >= addresses.length) throw error;
            resolver?.drop(base.hostname, address);
          }
        }
      } catch (error) {
        if (!(error instanceof HttpRequestFailure)) throw error;
        const where = `${request.method} ${request.path}`;
        if (error.failure === 'tls') {
          throw runtimeError('CLIENT_TLS_UNTRUSTED', { message: `${where}: the TLS handshake with ${url.host} failed (${(error.cause as Error | undefined)?.message ?? 'untrusted certificate'}).`, cause: error, details: { traceId: trace.traceId } });
        }
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
    close: () => {
      agent.destroy();
      for (const pooled of agents.values()) pooled.destroy();
    },
  };
}

/** A `lookup` that answers one address, whatever the name (the client resolved it already). */
function fixedLookup(address: string): LookupFunction {
  return (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [{ address, family: 4 }]);
    else callback(null, address, 4);
  };
}
