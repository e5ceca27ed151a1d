import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { RouteEntry } from '../contract/registry-api.js';
import type { CatalogCache } from '../kit/discovery/catalog-cache.js';
import type { InstancePicker } from '../kit/discovery/instance-picker.js';
import { hasBody } from '../kit/http/body.js';
import { toServiceError } from '../kit/http/reply.js';
import { startServerSpan } from '../kit/http/server-span.js';
import { forwardWithRetry, isIdempotent, type ForwardErrors } from '../kit/proxy/forward.js';
import { clientWantsClose } from '../kit/proxy/hop-by-hop.js';
import { bodyTimeoutMessage, createRequestStages, tooLargeMessage, type StageErrors } from '../kit/proxy/request-stages.js';
import { clientBodyTimeoutOf, type UpstreamProxy } from '../kit/proxy/upstream-proxy.js';
import type { Telemetry } from '../kit/telemetry.js';
import { lbErrors } from './errors.js';
import { buildLbUpstreamHeaders } from './headers.js';
import { answerLbHealth } from './health.js';

/** The parts of the catalog cache the lb reads per request. */
export type LbCatalog = Pick<CatalogCache, 'current' | 'route' | 'watching'>;

/** What the lb's request handler needs. */
export interface LbHandlerDeps {
  /** Body limit in bytes of routes that name none (a declared Content-Length above it, or a chunked body growing past it: 413). */
  readonly bodyLimit: number;
  /** Idle time between two chunks of a body the lb reads for a retry (408 past it). @default 10000 */
  readonly clientBodyTimeoutMs?: number;
  readonly telemetry: Telemetry;
  readonly catalog: LbCatalog;
  readonly picker: InstancePicker;
  readonly proxy: UpstreamProxy;
  /** Epoch ms now, for span start times. */
  readonly clock: () => number;
}

/**
 * The lb's request handler (server-side discovery): route lookup → instance (round-robin,
 * passive health) → proxy with one retry of an idempotent request → server span with
 * `route`, `service`, `upstream`, `upstreamAddress`, `retries` and `error`.
 */
export function createLbHandler(deps: LbHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { telemetry, catalog, picker, proxy, clock, bodyLimit } = deps;
  const stages = createRequestStages({
    catalog,
    bodyLimit,
    telemetry,
    errors: lbStageErrors,
    ...clientBodyTimeoutOf(deps),
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const span = startServerSpan(req, res, telemetry, clock);
    const { trace, attributes } = span;
    const method = req.method ?? 'GET';
    // The lb trusts its caller (the gateway normalised the path), so it routes on the path as received.
    const path = pathOf(req.url ?? '/');
    span.name = `${method} ${path}`;
    try {
      if (path === '/health') return answerLbHealth(req, res, catalog);
      const route = stages.findRoute(path);
      attributes.route = route.prefix;
      attributes.service = route.service;
      // After the route lookup: a route may declare a body limit of its own (`/mail/send`).
      stages.checkDeclaredLength(req, route);
      const body = isIdempotent(method) && hasBody(req) ? await stages.readReplayableBody(req, route) : undefined;
      const closeAfter = clientWantsClose(req.headers);
      const headers = buildLbUpstreamHeaders(req.headers);
      if (body) headers['content-length'] = String(body.length);
      req.headers = headers as IncomingHttpHeaders;
      await forwardWithRetry({
        req,
        res,
        method,
        name: `${route.service}: ${method} ${path}`,
        trace,
        body,
        // A chunked body is counted as it streams upstream; past the limit the attempt is cancelled (413).
        bodyLimit: stages.limitOf(route),
        closeAfter,
        proxy,
        target: {
          pick: (exclude) => picker.pick(route.service, exclude),
          refused: (upstream) => picker.refused(upstream),
          settled: (upstream, result) => picker.settled(upstream, result),
        },
        errors: forwardErrorsFor(route),
        attributes,
      });
    } catch (error) {
      stages.answerError(req, res, toServiceError(error), attributes);
    }
  }

  return (req, res) => {
    void handle(req, res);
  };
}

/** The lb's answers at the kit's request stages, for its requests and its handshakes. */
export const lbStageErrors = Object.freeze({
  catalogUnavailable: () => lbErrors.LB_CATALOG_UNAVAILABLE(),
  // Internal routes are service to service; the lb serves only what the gateway may reach.
  routeNotFound: () => lbErrors.LB_ROUTE_NOT_FOUND(),
  tooLarge: (limit) => lbErrors.LB_BODY_TOO_LARGE(tooLargeMessage(limit)),
  bodyTimeout: (idleMs) => lbErrors.LB_BODY_TIMEOUT(bodyTimeoutMessage(idleMs)),
} satisfies StageErrors);

/** The lb's answers to the failures of forwarding to `route`'s service (requests and handshakes). */
export function forwardErrorsFor(route: RouteEntry): ForwardErrors {
  return {
    noInstance: () => lbErrors.LB_NO_INSTANCE({ message: `No live instance of ${route.service} serves ${route.prefix}.` }),
    unreachable: (cause) => lbErrors.LB_UPSTREAM_UNREACHABLE({ cause }),
    timeout: (cause) => lbErrors.LB_UPSTREAM_TIMEOUT({ cause }),
    failed: (cause) => lbErrors.LB_UPSTREAM_FAILED({ cause }),
    tooLarge: lbStageErrors.tooLarge,
    bodyTimeout: lbStageErrors.bodyTimeout,
  };
}

function pathOf(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}
