import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import type { ServiceError } from '../errors.js';
import { sendErrorOnSocket } from '../http/socket-reply.js';
import type { Telemetry } from '../telemetry.js';
import { formatTraceparent, type TraceContext } from '../trace.js';
import type { ForwardErrors } from './forward.js';
import { stripHopByHop, type HeaderMap } from './hop-by-hop.js';
import { startAttemptSpan, type AttemptFailure, type Upstream } from './upstream.js';

/** How one proxied handshake ended. */
export type UpgradeOutcome =
  /** The upstream switched protocols: its 101 reached the client and the two sockets are piped. */
  | { readonly kind: 'upgraded' }
  /** The upstream answered without switching (a 401, a 404): that answer was relayed and the socket closes. */
  | { readonly kind: 'answered'; readonly status: number }
  /** No answer came; `error` was answered on the socket (502 or 504). */
  | { readonly kind: 'failed'; readonly failure: AttemptFailure; readonly error: ServiceError }
  /** The client went away first. */
  | { readonly kind: 'aborted' };

/** One handshake to send (headers and `req.url` already prepared) to one upstream. */
export interface UpgradeAttempt {
  readonly upstream: Upstream;
  /** The client span of this attempt, sent as `traceparent`. */
  readonly trace: TraceContext;
  /** Name of the client span (`chat: GET /chat/ws`). */
  readonly name: string;
  /** The caller's codes for a handshake that got no answer. */
  readonly errors: Pick<ForwardErrors, 'unreachable' | 'timeout' | 'failed'>;
  /** Silence before the upstream answers the handshake after which it fails with `timeout`. @default the proxy's timeoutMs */
  readonly timeoutMs?: number;
  /** Headers added to the 101 answer when the upstream set none of that name (the gateway's `sec-websocket-protocol: bearer`). */
  readonly answerHeaders?: Readonly<Record<string, string>>;
}

/** Options of createUpgradeProxy. */
export interface UpgradeProxyOptions {
  /** Silence from the upstream before its answer to the handshake. */
  readonly timeoutMs: number;
  readonly telemetry: Telemetry;
  /** Epoch ms now, for span start times. @default Date.now */
  readonly clock?: () => number;
}

/** Carries WebSocket handshakes (and then their frames) to upstream instances. */
export interface UpgradeProxy {
  forward(req: IncomingMessage, socket: Duplex, head: Buffer, attempt: UpgradeAttempt): Promise<UpgradeOutcome>;
  close(): void;
}

/** Who picked the upstream and learns how the attempt went (the gateway's discovery mode, the lb's picker). */
export interface UpgradeBalancer {
  refused(upstream: Upstream): void;
  settled?(upstream: Upstream, result: AttemptFailure | 'answered'): void;
}

/**
 * Forwards one handshake to `attempt.upstream`, tells `balancer` how it went and records the
 * upstream and any error code on the server span's `attributes`. Returns the status the span
 * ends with: 101 once switched, the upstream's status when it answered without switching, the
 * answered error's when it failed, 0 when the client went away first.
 */
export async function forwardHandshake(
  proxy: UpgradeProxy,
  balancer: UpgradeBalancer,
  handshake: { readonly req: IncomingMessage; readonly socket: Duplex; readonly head: Buffer },
  attempt: UpgradeAttempt,
  attributes: Record<string, unknown>,
): Promise<number> {
  const { upstream } = attempt;
  attributes.upstream = upstream.id;
  attributes.upstreamAddress = `${upstream.host}:${upstream.port}`;
  const outcome = await proxy.forward(handshake.req, handshake.socket, handshake.head, attempt);
  if (outcome.kind === 'aborted') return 0;
  if (outcome.kind === 'failed') {
    if (outcome.failure === 'refused') balancer.refused(upstream);
    balancer.settled?.(upstream, outcome.failure);
    attributes.error = outcome.error.code;
    return outcome.error.status;
  }
  balancer.settled?.(upstream, 'answered');
  return outcome.kind === 'upgraded' ? 101 : outcome.status;
}

/** Whether `req` is a WebSocket handshake (RFC 6455 §4.1: a GET with `Upgrade: websocket`). */
export function isWebSocketUpgrade(req: Pick<IncomingMessage, 'method' | 'headers'>): boolean {
  return req.method === 'GET' && req.headers.upgrade?.trim().toLowerCase() === 'websocket';
}

/** Puts back the two hop-by-hop headers a handshake needs on its next hop, after the proxy stripped every hop-by-hop header. */
export function restoreUpgradeHeaders(headers: HeaderMap, incoming: IncomingHttpHeaders): HeaderMap {
  headers.connection = 'Upgrade';
  headers.upgrade = incoming.upgrade ?? 'websocket';
  return headers;
}

/**
 * Creates the upgrade proxy of the gateway and the lb, on http-proxy-3's `ws` support: it
 * writes the 101 with the upstream's headers, relays an answer that does not switch, sets up
 * both sockets (no delay, keep-alive, no timeout) and pipes them. A handshake costs one pass
 * of its options, which per connection (not per request, as for the HTTP hop) is nothing.
 * Records a client span per attempt (status 101 once switched). After a failure the library
 * closes the client socket itself, so the error is answered in its callback and a handshake is
 * never retried on another instance: the client reconnects.
 */
export function createUpgradeProxy(options: UpgradeProxyOptions): UpgradeProxy {
  const { telemetry } = options;
  const clock = options.clock ?? Date.now;
  const proxy = createProxyServer({ ws: true, prependPath: false });
  const pending = new WeakMap<IncomingMessage, (proxyReq: ClientRequest) => void>();
  // Emitted before the handshake leaves: each attempt hooks its request here (trace, timeout, status).
  proxy.on('proxyReqWs', (proxyReq, req) => pending.get(req)?.(proxyReq));
  // Every attempt handles its errors in its callback; a listener keeps http-proxy-3 from throwing socket errors.
  proxy.on('error', () => undefined);

  function forward(req: IncomingMessage, socket: Duplex, head: Buffer, attempt: UpgradeAttempt): Promise<UpgradeOutcome> {
    if (socket.destroyed) return Promise.resolve({ kind: 'aborted' });
    const { upstream, trace } = attempt;
    const record = startAttemptSpan(telemetry, clock, attempt, { upgrade: 'websocket' });

    return new Promise<UpgradeOutcome>((resolve) => {
      let settled = false;
      let timedOut = false;
      const settle = (outcome: UpgradeOutcome) => {
        if (settled) return;
        settled = true;
        pending.delete(req);
        socket.off('close', onClose);
        resolve(outcome);
      };
      const onClose = () => {
        record(undefined, 'aborted');
        settle({ kind: 'aborted' });
      };
      socket.once('close', onClose);
      // Registered before http-proxy-3's own listeners, so the answer can be adjusted before it is written.
      pending.set(req, (proxyReq) => {
        proxyReq.setHeader('traceparent', formatTraceparent(trace));
        proxyReq.setTimeout(attempt.timeoutMs ?? options.timeoutMs, () => {
          timedOut = true;
          proxyReq.destroy();
        });
        proxyReq.once('upgrade', (proxyRes: IncomingMessage) => {
          for (const [name, value] of Object.entries(attempt.answerHeaders ?? {})) proxyRes.headers[name] ??= value;
          record(101);
          settle({ kind: 'upgraded' });
        });
        proxyReq.once('response', (proxyRes: IncomingMessage) => {
          stripHopByHop(proxyRes.headers);
          // The client's socket closes after this answer.
          proxyRes.headers.connection = 'close';
          const status = proxyRes.statusCode ?? 502;
          record(status);
          settle({ kind: 'answered', status });
        });
      });
      proxy.ws(req, socket as Socket, head, { target: { host: upstream.host, port: upstream.port } }, (error) => {
        // After the switch, an upstream failure only ends the tunnel (http-proxy-3 closes the client's socket).
        if (settled) return;
        const failure = classifyFailure(error as NodeJS.ErrnoException, timedOut);
        record(undefined, failure);
        const answer = failure === 'refused' ? attempt.errors.unreachable(error) : failure === 'timeout' ? attempt.errors.timeout(error) : attempt.errors.failed(error);
        // Written now: right after this callback the library ends the socket.
        sendErrorOnSocket(socket, answer);
        settle({ kind: 'failed', failure, error: answer });
      });
    });
  }

  return { forward, close: () => proxy.removeAllListeners('proxyReqWs') };
}

function classifyFailure(error: NodeJS.ErrnoException, timedOut: boolean): AttemptFailure {
  if (timedOut) return 'timeout';
  return error.code === 'ECONNREFUSED' ? 'refused' : 'failed';
}
