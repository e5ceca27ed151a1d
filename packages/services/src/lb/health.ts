import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CatalogCache } from '../kit/discovery/catalog-cache.js';
import { httpErrors } from '../kit/errors.js';
import { sendJson } from '../kit/http/reply.js';

/** What `GET /health` on the lb answers. */
export interface LbHealth {
  /** `ok` once the route table is loaded; `starting` (503) before. */
  readonly status: 'ok' | 'starting';
  /** Version of the cached catalog; null before the first load. */
  readonly catalogVersion: number | null;
  /** Whether the registry's push stream is connected. */
  readonly watching: boolean;
}

/** Answers the lb's own `GET /health` (the only path it serves itself). */
export function answerLbHealth(req: IncomingMessage, res: ServerResponse, catalog: Pick<CatalogCache, 'current' | 'watching'>): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw httpErrors.HTTP_METHOD_NOT_ALLOWED({ headers: { allow: 'GET, HEAD' } });
  const current = catalog.current;
  const health: LbHealth = { status: current ? 'ok' : 'starting', catalogVersion: current ? current.version : null, watching: catalog.watching };
  sendJson(res, current ? 200 : 503, health);
}
