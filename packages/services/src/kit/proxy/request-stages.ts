import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteEntry } from '../../contract/registry-api.js';
import type { CatalogCache } from '../discovery/catalog-cache.js';
import type { ServiceError } from '../errors.js';
import { readBody } from '../../contract/http/body.js';
import { defaultClientBodyTimeoutMs } from './settings.js';
import { sendError } from '../http/reply.js';
import type { Telemetry } from '../telemetry.js';

/** The errors a proxy answers with at each stage (the gateway's `GATEWAY_*`, the lb's `LB_*`). */
export interface StageErrors {
  /** No catalog loaded yet. */
  readonly catalogUnavailable: () => ServiceError;
  /** No route, or an internal one (service to service only: it does not exist from outside). */
  readonly routeNotFound: () => ServiceError;
  /** Body above the limit; the answer closes the connection. */
  readonly tooLarge: (limit: number) => ServiceError;
  /** No chunk of a body read for a retry for `idleMs` (408); the answer closes the connection. Without it no idle limit applies. */
  readonly bodyTimeout?: (idleMs: number) => ServiceError;
}

/** Options of createRequestStages. */
export interface RequestStagesOptions {
  readonly catalog: Pick<CatalogCache, 'current' | 'route'>;
  /** Body limit in bytes of routes that name none (`RouteSpec.bodyLimit`). */
  readonly bodyLimit: number;
  /** Idle time between two chunks of a body read for a retry before `errors.bodyTimeout`. @default 10000 */
  readonly clientBodyTimeoutMs?: number;
  readonly telemetry: Telemetry;
  readonly errors: StageErrors;
}

/** The stages a proxy (gateway or lb) runs around forwarding a request. */
export interface RequestStages {
  /** The body limit of `route`: its own `bodyLimit`, else the proxy's. */
  limitOf(route?: RouteEntry): number;
  /** Refuses a declared Content-Length above the limit of `route` (its own `bodyLimit`, else the proxy's). */
  checkDeclaredLength(req: IncomingMessage, route?: RouteEntry): void;
  /** The route serving `path`, refusing missing and internal routes. */
  findRoute(path: string): RouteEntry;
  /** Reads an idempotent request's body so a retry can replay it, up to the limit of `route`, within the client body timeout. */
  readReplayableBody(req: IncomingMessage, route?: RouteEntry): Promise<Buffer>;
  /** Answers a failure as JSON (unless the answer already started) and records its code on the span. */
  answerError(req: IncomingMessage, res: ServerResponse, error: ServiceError, attributes: Record<string, string | number | boolean>): void;
}

/** Creates the stages of one proxy. */
export function createRequestStages(options: RequestStagesOptions): RequestStages {
  const { catalog, bodyLimit, telemetry, errors, clientBodyTimeoutMs = defaultClientBodyTimeoutMs } = options;
  const limitOf = (route: RouteEntry | undefined) => route?.bodyLimit ?? bodyLimit;
  const bodyTimeout = errors.bodyTimeout;
  const idle = bodyTimeout ? { ms: clientBodyTimeoutMs, error: () => bodyTimeout(clientBodyTimeoutMs) } : undefined;
  return {
    limitOf,
    checkDeclaredLength(req, route) {
      const limit = limitOf(route);
      if (Number(req.headers['content-length'] ?? 0) > limit) throw errors.tooLarge(limit);
    },
    findRoute(path) {
      if (!catalog.current) throw errors.catalogUnavailable();
      const route = catalog.route(path);
      if (!route || route.access === 'internal') throw errors.routeNotFound();
      return route;
    },
    async readReplayableBody(req, route) {
      const limit = limitOf(route);
      return await readBody(req, { limit, tooLarge: errors.tooLarge, idle });
    },
    answerError(req, res, error, attributes) {
      attributes.error = error.code;
      if (error.code === 'HTTP_INTERNAL') telemetry.error('request failed', { errorCode: error.code, cause: (error.cause as Error | undefined)?.stack });
      if (res.writableEnded || res.destroyed) return;
      // A body we refused to read must not be parsed as the next request on this connection:
      // with `connection: close` sendError drains it and closes; otherwise the rest is read and dropped.
      sendError(res, error);
      if (error.headers?.connection !== 'close') req.resume();
    },
  };
}

/** The message of a client body that stalled for `idleMs`, shared by every proxy (nginx's `client_body_timeout`). */
export function bodyTimeoutMessage(idleMs: number): { message: string; headers: { connection: 'close' } } {
  return { message: `The client sent no part of the request body for ${idleMs} ms.`, headers: { connection: 'close' } };
}

/** The message of a too-large body, shared by every proxy. */
export function tooLargeMessage(limit: number): { message: string; headers: { connection: 'close' } } {
  return { message: `The request body is larger than the limit of ${limit} bytes.`, headers: { connection: 'close' } };
}
