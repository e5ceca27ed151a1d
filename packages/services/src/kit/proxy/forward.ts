import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceError } from '../errors.js';
import { startChildTrace, type TraceContext } from '../trace.js';
import type { AttemptFailure, AttemptResult, Upstream } from './upstream.js';
import type { UpstreamProxy } from './upstream-proxy.js';

// RFC 9110 §9.2.2: repeating these has the same effect as sending them once.
const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Whether a request with this method may be sent again after a failed attempt. */
export function isIdempotent(method: string): boolean {
  return idempotentMethods.has(method);
}

/** Where the attempts of one request go: it picks, and hears how each attempt ended. */
export interface AttemptTarget {
  /** The upstream of the next attempt, skipping the ids in `exclude`; undefined when none is left. */
  pick(exclude?: ReadonlySet<string>): Upstream | undefined;
  /** `upstream` refused a connection: later picks avoid it. */
  refused(upstream: Upstream): void;
  /**
   * How an attempt at `upstream` ended (for passive health checks): a connection failure or a
   * timeout, or `answered` — any HTTP status, a 4xx the client caused included. An attempt the
   * proxy cancelled for the client's doing (it left, its body went past the limit or stalled) is
   * not reported: nginx's `max_fails` counts only the upstream's own errors.
   */
  settled?(upstream: Upstream, result: AttemptResult): void;
}

/** The caller's error codes for a request that got no answer. */
export interface ForwardErrors {
  /** No upstream to try at all (503). */
  noInstance(): ServiceError;
  /** The last attempt was refused (502). */
  unreachable(cause: Error): ServiceError;
  /** The last attempt timed out (504). */
  timeout(cause: Error): ServiceError;
  /** The last attempt failed otherwise, e.g. a reset (502). */
  failed(cause: Error): ServiceError;
  /** The streamed body went past `limit` bytes (413 with `Connection: close`). */
  tooLarge(limit: number): ServiceError;
  /** The client sent no chunk of its streamed body for `idleMs` (408 with `Connection: close`). */
  bodyTimeout(idleMs: number): ServiceError;
}

/** One request on its way upstream, headers and path already prepared. */
export interface ForwardOptions {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** Name of each attempt's client span (`profile: GET /profile/me`). */
  readonly name: string;
  /** The request's server span. */
  readonly trace: TraceContext;
  /** The buffered body of an idempotent request, replayed on a retry. */
  readonly body: Buffer | undefined;
  /** Most bytes of a streamed (chunked) body passed upstream; past it the attempt is cancelled and `errors.tooLarge` thrown. */
  readonly bodyLimit?: number;
  readonly closeAfter: boolean;
  /** Headers added to the upstream's answer (the gateway's `x-request-id`). */
  readonly responseHeaders?: Readonly<Record<string, string>>;
  readonly proxy: UpstreamProxy;
  readonly target: AttemptTarget;
  readonly errors: ForwardErrors;
  /** Silence after which an attempt times out. @default the proxy's timeout */
  readonly timeoutMs?: number;
  /** Receives `upstream`, `upstreamAddress` and `retries` (the server span's attributes). */
  readonly attributes: Record<string, string | number | boolean>;
}

/**
 * Picks an upstream and proxies. When an attempt gets no answer — refused (that upstream is
 * ejected), reset, or timed out — an idempotent request goes once more to another upstream
 * (to the same one after a reset on a stale kept-alive socket, when no other is left: a
 * reloading nginx closes its idle connections), on a new connection, never a pooled one (the
 * pool may hold more sockets the upstream is closing); anything else gets the caller's error. Throws
 * when no answer reached the client. Passive health hears of connection failures and timeouts
 * (they count) and of answers (any status: a 4xx is the client's doing, and resets the count).
 */
export async function forwardWithRetry(options: ForwardOptions): Promise<void> {
  const { target, errors, attributes } = options;
  let upstream = target.pick();
  if (!upstream) throw errors.noInstance();
  let tried: Set<string> | undefined;
  for (let retries = 0; ; retries++) {
    attributes.upstream = upstream.id;
    attributes.upstreamAddress = `${upstream.host}:${upstream.port}`;
    attributes.retries = retries;
    const outcome = await options.proxy.forward(options.req, options.res, {
      upstream,
      trace: startChildTrace(options.trace),
      name: options.name,
      body: options.body,
      closeAfter: options.closeAfter,
      freshConnection: retries > 0,
      ...(options.responseHeaders === undefined ? {} : { responseHeaders: options.responseHeaders }),
      ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    // Cancelled by the proxy for the client's doing, not failed by the upstream: none counts against its health.
    if (outcome.kind === 'aborted') return;
    if (outcome.kind === 'tooLarge') throw errors.tooLarge(outcome.limit);
    if (outcome.kind === 'bodyTimeout') throw errors.bodyTimeout(outcome.idleMs);
    if (outcome.kind === 'response') {
      target.settled?.(upstream, 'answered');
      return;
    }
    const { failure, cause } = outcome;
    // A reset is often a kept-alive socket the upstream closed or died on: counted, not ejected.
    if (failure === 'refused') target.refused(upstream);
    target.settled?.(upstream, failure);
    if (retries > 0 || !isIdempotent(options.method)) throw errorFor(errors, failure, cause);
    (tried ??= new Set()).add(upstream.id);
    const same: Upstream = upstream;
    upstream = target.pick(tried) ?? (outcome.staleSocket ? same : undefined);
    if (!upstream) throw errorFor(errors, failure, cause);
  }
}

function errorFor(errors: ForwardErrors, failure: AttemptFailure, cause: Error): ServiceError {
  if (failure === 'refused') return errors.unreachable(cause);
  if (failure === 'timeout') return errors.timeout(cause);
  return errors.failed(cause);
}
