import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteEntry } from '../contract/registry-api.js';
import { startChildTrace, type TraceContext } from '../kit/trace.js';
import type { DiscoveryMode, Upstream } from './discovery/discovery-mode.js';
import { gatewayErrors } from './errors.js';
import type { UpstreamProxy } from './proxy.js';
import type { SpanAttributes } from './span-attributes.js';

// RFC 9110 §9.2.2: repeating these has the same effect as sending them once.
const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Whether a request with this method may be sent again after a refused connection. */
export function isIdempotent(method: string): boolean {
  return idempotentMethods.has(method);
}

/** One request on its way upstream, headers and path already prepared. */
export interface ForwardInput {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** The normalised path, for the client span's name. */
  readonly path: string;
  readonly route: RouteEntry;
  /** The request's server span. */
  readonly trace: TraceContext;
  /** The buffered body of an idempotent request, replayed on a retry. */
  readonly body: Buffer | undefined;
  readonly closeAfter: boolean;
  /** The discovery mode in force for this request. */
  readonly discovery: DiscoveryMode;
  readonly proxy: UpstreamProxy;
  /** Receives `upstream`, `upstreamAddress` and `retries`. */
  readonly attributes: SpanAttributes;
}

/**
 * The discovery and proxy stages: picks an upstream, proxies, and on a refused connection
 * (ejecting that upstream) or a reset before any answer retries an idempotent request once
 * on another. Throws GATEWAY_NO_INSTANCE,
 * GATEWAY_UPSTREAM_UNREACHABLE, GATEWAY_UPSTREAM_TIMEOUT or GATEWAY_UPSTREAM_FAILED when no
 * answer reached the client.
 */
export async function forwardRequest(input: ForwardInput): Promise<void> {
  const { route, discovery, attributes } = input;
  let upstream: Upstream | undefined = discovery.pick(route);
  if (!upstream) throw gatewayErrors.GATEWAY_NO_INSTANCE({ message: `No live instance of ${route.service} serves ${route.prefix}.` });
  const name = `${route.service}: ${input.method} ${input.path}`;
  let tried: Set<string> | undefined;
  for (let retries = 0; ; retries++) {
    attributes.upstream = upstream.id;
    attributes.upstreamAddress = `${upstream.host}:${upstream.port}`;
    attributes.retries = retries;
    const outcome = await input.proxy.forward(input.req, input.res, {
      upstream,
      trace: startChildTrace(input.trace),
      name,
      body: input.body,
      closeAfter: input.closeAfter,
    });
    if (outcome.kind !== 'failed') return;
    const { failure, cause } = outcome;
    if (failure === 'timeout') throw gatewayErrors.GATEWAY_UPSTREAM_TIMEOUT({ cause });
    // A reset before any answer is often a kept-alive socket the upstream closed or died on:
    // not a reason to eject it, but an idempotent request may go once to another instance.
    if (failure === 'refused') discovery.refused(upstream);
    const giveUp = () => (failure === 'refused' ? gatewayErrors.GATEWAY_UPSTREAM_UNREACHABLE({ cause }) : gatewayErrors.GATEWAY_UPSTREAM_FAILED({ cause }));
    if (retries > 0 || !isIdempotent(input.method)) throw giveUp();
    (tried ??= new Set()).add(upstream.id);
    upstream = discovery.pick(route, tried);
    if (!upstream) throw giveUp();
  }
}
