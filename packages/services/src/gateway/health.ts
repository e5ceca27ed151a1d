import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CatalogCache } from '../kit/discovery/catalog-cache.js';
import { httpErrors } from '../kit/errors.js';
import { sendJson } from '../kit/http/reply.js';
import type { ActiveModes } from './modes.js';

/** What `GET /health` on the gateway answers. */
export interface GatewayHealth {
  /** `ok` once the route table is loaded; `starting` (503) before. */
  readonly status: 'ok' | 'starting';
  readonly discovery: string;
  readonly auth: string;
  /** Version of the cached catalog; null before the first load. */
  readonly catalogVersion: number | null;
  /** Whether the registry's push stream is connected. */
  readonly watching: boolean;
}

/** Answers the gateway's own `GET /health` (the only path it serves itself). */
export function answerHealth(req: IncomingMessage, res: ServerResponse, catalog: Pick<CatalogCache, 'current' | 'watching'>, modes: ActiveModes): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw httpErrors.HTTP_METHOD_NOT_ALLOWED({ headers: { allow: 'GET, HEAD' } });
  const current = catalog.current;
  const health: GatewayHealth = {
    status: current ? 'ok' : 'starting',
    discovery: modes.discovery.name,
    auth: modes.auth.name,
    catalogVersion: current ? current.version : null,
    watching: catalog.watching,
  };
  sendJson(res, current ? 200 : 503, health);
}
