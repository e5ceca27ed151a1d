import type { BusClient } from '../kit/clients/bus-client.js';
import type { CacheClient } from '../kit/clients/cache-client.js';
import type { CatalogCache } from '../kit/discovery/catalog-cache.js';
import type { ServiceCaller } from '../kit/discovery/service-caller.js';
import type { HttpClient } from '../kit/http/client.js';
import type { Telemetry } from '../kit/telemetry.js';
import type { GatewayConfig } from './config.js';

/** What any mode may need to build itself; built once in main.ts. */
export interface ModeDeps {
  readonly config: GatewayConfig;
  readonly telemetry: Telemetry;
  /** The gateway's cached copy of the registry. */
  readonly catalog: CatalogCache;
  /** Calls "some instance of service X" through the catalog. */
  readonly caller: ServiceCaller;
  /** Keep-alive JSON client with client spans. */
  readonly http: HttpClient;
  /** The message bus; the auth modes that need it build a kit client over the catalog when absent (tests pass a fake). */
  readonly bus?: Pick<BusClient, 'subscribe'>;
  /** The global cache; built over `caller` when absent. */
  readonly cache?: Pick<CacheClient, 'get'>;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}
