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
  readonly bodyLimit: number;
  readonly telemetry: Telemetry;
  readonly errors: StageErrors;
}

/** The stages a proxy (gateway or lb) runs around forwarding a request. */
export interface RequestStages {
  /** Refuses a declared Content-Length above the limit. */
  checkDeclaredLength(req: IncomingMessage): void;
  /** The route serving `path`, refusing missing and internal routes. */
  findRoute(path: string): RouteEntry;
  /** Reads an idempotent request's body so a retry can replay it. */
  readReplayableBody(req: IncomingMessage): Promise<Buffer>;
  /** Answers a failure as JSON (unless the answer already started) and records its code on the span. */
  answerError(req: IncomingMessage, res: ServerResponse, error: ServiceError, attributes: Record<string, string | number | boolean>): void;
}

/** Creates the stages of one proxy. */
export function createRequestStages(options: RequestStagesOptions): RequestStages {
  const { catalog, bodyLimit, telemetry, errors } = options;
  return {
    checkDeclaredLength(req) {
      if (Number(req.headers['content-length'] ?? 0) > bodyLimit) throw errors.tooLarge(bodyLimit);
    },
    findRoute(path) {
      if (!catalog.current) throw errors.catalogUnavailable();
      const route = catalog.route(path);
      if (!route || route.access === 'internal') throw errors.routeNotFound();
      return route;
    },
    async readReplayableBody(req) {
      try {
        return await readBody(req, bodyLimit);
      } catch (error) {
        if (error instanceof ServiceError && error.status === 413) throw errors.tooLarge(bodyLimit);
        throw error;
      }
    },
    answerError(req, res, error, attributes) {
      attributes.error = error.code;
      if (error.code === 'INTERNAL') telemetry.error('request failed', { errorCode: error.code, cause: (error.cause as Error | undefined)?.stack });
      if (res.writableEnded || res.destroyed) return;
      sendError(res, error);
      // A body we refused to read must not be parsed as the next request on this connection.
      if (error.headers?.connection === 'close') res.once('finish', () => req.destroy());
      else req.resume();
    },
  };
}

/** The message of a too-large body, shared by every proxy. */
export function tooLargeMessage(limit: number): { message: string; headers: { connection: 'close' } } {
  return { message: `The request body is larger than the limit of ${limit} bytes.`, headers: { connection: 'close' } };
}
