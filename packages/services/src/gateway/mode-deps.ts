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
}
