import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { RouteEntry } from '../contract/registry-api.js';
import type { CatalogCache } from '../kit/discovery/catalog-cache.js';
import type { InstancePicker } from '../kit/discovery/instance-picker.js';
import { ServiceError } from '../kit/errors.js';
import { hasBody, readBody } from '../kit/http/body.js';
import { sendError, toServiceError } from '../kit/http/reply.js';
import { startServerSpan } from '../kit/http/server-span.js';
import { forwardWithRetry, isIdempotent, type ForwardErrors } from '../kit/proxy/forward.js';
import { clientWantsClose } from '../kit/proxy/hop-by-hop.js';
import type { UpstreamProxy } from '../kit/proxy/upstream-proxy.js';
import type { Telemetry } from '../kit/telemetry.js';
import { lbErrors } from './errors.js';
import { buildLbUpstreamHeaders } from './headers.js';
import { answerLbHealth } from './health.js';

/** The parts of the catalog cache the lb reads per request. */
export type LbCatalog = Pick<CatalogCache, 'current' | 'route' | 'watching'>;

/** What the lb's request handler needs. */
export interface LbHandlerDeps {
  /** Body limit in bytes (Content-Length above it: 413). */
  readonly bodyLimit: number;
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

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const span = startServerSpan(req, res, telemetry, clock);
    const { trace, attributes } = span;
    const method = req.method ?? 'GET';
    // The lb trusts its caller (the gateway normalised the path), so it routes on the path as received.
    const path = pathOf(req.url ?? '/');
    span.name = `${method} ${path}`;
    try {
      if (path === '/health') return answerLbHealth(req, res, catalog);
      if (Number(req.headers['content-length'] ?? 0) > bodyLimit) throw tooLarge(bodyLimit);
      const route = findRoute(path);
      attributes.route = route.prefix;
      attributes.service = route.service;
      const body = isIdempotent(method) && hasBody(req) ? await readReplayableBody(req) : undefined;
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
      answerError(req, res, toServiceError(error), attributes);
    }
  }

  function findRoute(path: string): RouteEntry {
    if (!catalog.current) throw lbErrors.LB_CATALOG_UNAVAILABLE();
    const route = catalog.route(path);
    // Internal routes are service to service; the lb serves only what the gateway may reach.
    if (!route || route.access === 'internal') throw lbErrors.LB_ROUTE_NOT_FOUND();
    return route;
  }

  async function readReplayableBody(req: IncomingMessage): Promise<Buffer> {
    try {
      return await readBody(req, bodyLimit);
    } catch (error) {
      if (error instanceof ServiceError && error.status === 413) throw tooLarge(bodyLimit);
      throw error;
    }
  }

  function answerError(req: IncomingMessage, res: ServerResponse, error: ServiceError, attributes: Record<string, string | number | boolean>): void {
    attributes.error = error.code;
    if (error.code === 'INTERNAL') telemetry.error('request failed', { errorCode: error.code, cause: (error.cause as Error | undefined)?.stack });
    if (res.writableEnded || res.destroyed) return;
    sendError(res, error);
    // A body we refused to read must not be parsed as the next request on this connection.
    if (error.headers?.connection === 'close') res.once('finish', () => req.destroy());
    else req.resume();
  }

  return (req, res) => {
    void handle(req, res);
  };
}

function forwardErrorsFor(route: RouteEntry): ForwardErrors {
  return {
    noInstance: () => lbErrors.LB_NO_INSTANCE({ message: `No live instance of ${route.service} serves ${route.prefix}.` }),
    unreachable: (cause) => lbErrors.LB_UPSTREAM_UNREACHABLE({ cause }),
    timeout: (cause) => lbErrors.LB_UPSTREAM_TIMEOUT({ cause }),
    failed: (cause) => lbErrors.LB_UPSTREAM_FAILED({ cause }),
  };
}

function pathOf(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}

function tooLarge(limit: number) {
  return lbErrors.LB_BODY_TOO_LARGE({ message: `The request body is larger than the limit of ${limit} bytes.`, headers: { connection: 'close' } });
}
