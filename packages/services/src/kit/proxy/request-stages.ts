import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteEntry } from '../../contract/registry-api.js';
import type { CatalogCache } from '../discovery/catalog-cache.js';
import { ServiceError } from '../errors.js';
import { readBody } from '../http/body.js';
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
}

/** Options of createRequestStages. */
export interface RequestStagesOptions {
  readonly catalog: Pick<CatalogCache, 'current' | 'route'>;
  /** Body limit in bytes of routes that name none (`RouteSpec.bodyLimit`). */
  readonly bodyLimit: number;
  readonly telemetry: Telemetry;
  readonly errors: StageErrors;
}

/** The stages a proxy (gateway or lb) runs around forwarding a request. */
export interface RequestStages {
  /** Refuses a declared Content-Length above the limit of `route` (its own `bodyLimit`, else the proxy's). */
  checkDeclaredLength(req: IncomingMessage, route?: RouteEntry): void;
  /** The route serving `path`, refusing missing and internal routes. */
  findRoute(path: string): RouteEntry;
  /** Reads an idempotent request's body so a retry can replay it, up to the limit of `route`. */
  readReplayableBody(req: IncomingMessage, route?: RouteEntry): Promise<Buffer>;
  /** Answers a failure as JSON (unless the answer already started) and records its code on the span. */
  answerError(req: IncomingMessage, res: ServerResponse, error: ServiceError, attributes: Record<string, string | number | boolean>): void;
}

/** Creates the stages of one proxy. */
export function createRequestStages(options: RequestStagesOptions): RequestStages {
  const { catalog, bodyLimit, telemetry, errors } = options;
  const limitOf = (route: RouteEntry | undefined) => route?.bodyLimit ?? bodyLimit;
  return {
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
      try {
        return await readBody(req, limit);
      } catch (error) {
        if (error instanceof ServiceError && error.status === 413) throw errors.tooLarge(limit);
        throw error;
      }
    },
    answerError(req, res, error, attributes) {
      attributes.error = error.code;
      if (error.code === 'INTERNAL') telemetry.error('request failed', { errorCode: error.code, cause: (error.cause as Error | undefined)?.stack });
      if (res.writableEnded || res.destroyed) return;
      // A body we refused to read must not be parsed as the next request on this connection.
      if (error.headers?.connection !== 'close') {
        sendError(res, error);
        req.resume();
        return;
      }
      drainThen(req, () => {
        if (res.writableEnded || res.destroyed) return;
        sendError(res, error);
        res.once('finish', () => req.destroy());
      });
    },
  };
}

/** The message of a too-large body, shared by every proxy. */
export function tooLargeMessage(limit: number): { message: string; headers: { connection: 'close' } } {
  return { message: `The request body is larger than the limit of ${limit} bytes.`, headers: { connection: 'close' } };
}

// How much of a refused body a proxy reads and throws away before answering 413 (nginx's
// lingering close): a client still sending would otherwise see a reset connection instead of
// the answer. Past either bound the answer goes at once, and so it does when the client pauses
// (it declared more than it sends, as a smuggling attempt does, and waits for an answer).
const drainLimitBytes = 64 * 1024 * 1024;
const drainTimeoutMs = 5_000;
const drainIdleMs = 500;

/** Reads and discards what is left of `req`'s body (within the bounds above), then calls `answer`. */
function drainThen(req: IncomingMessage, answer: () => void): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  // `Expect: 100-continue`: the client sends nothing until invited; a destroyed or read request has nothing left.
  if (req.complete || req.destroyed || req.readableEnded || req.headers.expect !== undefined || declared > drainLimitBytes) {
    answer();
    return;
  }
  let drained = 0;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    clearTimeout(idle);
    req.off('data', onData);
    answer();
  };
  const onData = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > drainLimitBytes) finish();
    else idle.refresh();
  };
  const timer = setTimeout(finish, drainTimeoutMs);
  const idle = setTimeout(finish, drainIdleMs);
  req.on('data', onData);
  req.once('end', finish);
  req.once('error', finish);
  req.once('close', finish);
}
