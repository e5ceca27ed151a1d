import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteEntry } from '../contract/registry-api.js';
import { forwardWithRetry, type ForwardErrors } from '../kit/proxy/forward.js';
import { bodyTimeoutMessage, tooLargeMessage, type StageErrors } from '../kit/proxy/request-stages.js';
import type { UpstreamProxy } from '../kit/proxy/upstream-proxy.js';
import type { TraceContext } from '../kit/trace.js';
import type { DiscoveryMode } from './discovery/discovery-mode.js';
import { gatewayErrors } from './errors.js';
import type { SpanAttributes } from './span-attributes.js';

export { isIdempotent } from '../kit/proxy/forward.js';

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
  /** The route's body limit, enforced on a streamed (chunked) body as it passes. */
  readonly bodyLimit: number;
  readonly closeAfter: boolean;
  /** This request's id, sent back as `x-request-id` with the upstream's answer. */
  readonly requestId: string;
  /** The discovery mode in force for this request. */
  readonly discovery: DiscoveryMode;
  readonly proxy: UpstreamProxy;
  /** Receives `upstream`, `upstreamAddress` and `retries`. */
  readonly attributes: SpanAttributes;
}

/**
 * The discovery and proxy stages: the active discovery mode picks an upstream (an instance of
 * the route's service, or an lb), and the kit's forwarder proxies and retries an idempotent
 * request once on another upstream after a refused connection, a reset or a timeout. Throws
 * GATEWAY_NO_INSTANCE, GATEWAY_UPSTREAM_UNREACHABLE, GATEWAY_UPSTREAM_TIMEOUT or
 * GATEWAY_UPSTREAM_FAILED when no answer reached the client, GATEWAY_BODY_TOO_LARGE when a
 * streamed body went past the limit before the upstream answered, and GATEWAY_BODY_TIMEOUT when
 * the client stopped sending it (either way the attempt is cancelled and the upstream not blamed).
 */
export async function forwardRequest(input: ForwardInput): Promise<void> {
  const { route, discovery } = input;
  await forwardWithRetry({
    req: input.req,
    res: input.res,
    method: input.method,
    name: `${route.service}: ${input.method} ${input.path}`,
    trace: input.trace,
    body: input.body,
    bodyLimit: input.bodyLimit,
    closeAfter: input.closeAfter,
    responseHeaders: { 'x-request-id': input.requestId },
    proxy: input.proxy,
    target: {
      pick: (exclude) => discovery.pick(route, exclude),
      refused: (upstream) => discovery.refused(upstream),
      settled: (upstream, result) => discovery.settled?.(upstream, result),
    },
    errors: forwardErrorsFor(route, discovery),
    ...(discovery.attemptTimeoutMs === undefined ? {} : { timeoutMs: discovery.attemptTimeoutMs }),
    attributes: input.attributes,
  });
}

/** The gateway's answers at the kit's request stages, for its requests and its handshakes. */
export const gatewayStageErrors = Object.freeze({
  catalogUnavailable: () => gatewayErrors.GATEWAY_CATALOG_UNAVAILABLE(),
  // Internal routes (service to service) do not exist as far as the outside can tell.
  routeNotFound: () => gatewayErrors.GATEWAY_ROUTE_NOT_FOUND(),
  tooLarge: (limit) => gatewayErrors.GATEWAY_BODY_TOO_LARGE(tooLargeMessage(limit)),
  bodyTimeout: (idleMs) => gatewayErrors.GATEWAY_BODY_TIMEOUT(bodyTimeoutMessage(idleMs)),
} satisfies StageErrors);

/** The gateway's errors for a request at `route` that got no answer (503, 502, 504, 413, 408). */
export function forwardErrorsFor(route: RouteEntry, discovery: DiscoveryMode): ForwardErrors {
  return {
    noInstance: () =>
      gatewayErrors.GATEWAY_NO_INSTANCE({
        message: discovery.name === 'server' ? `No live lb instance takes ${route.prefix}.` : `No live instance of ${route.service} serves ${route.prefix}.`,
      }),
    unreachable: (cause) => gatewayErrors.GATEWAY_UPSTREAM_UNREACHABLE({ cause }),
    timeout: (cause) => gatewayErrors.GATEWAY_UPSTREAM_TIMEOUT({ cause }),
    failed: (cause) => gatewayErrors.GATEWAY_UPSTREAM_FAILED({ cause }),
    tooLarge: gatewayStageErrors.tooLarge,
    bodyTimeout: gatewayStageErrors.bodyTimeout,
  };
}
