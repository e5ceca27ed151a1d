import type { ServiceConfig } from '../config.js';
import type { CatalogCache } from '../discovery/catalog-cache.js';
import { createServiceCaller } from '../discovery/service-caller.js';
import type { HttpClient } from '../http/client.js';
import { createRemoteTokenFetch } from './remote-token.js';
import { createServiceTokenSource, projectedTokensIn, type FetchServiceToken, type ServiceTokenSource } from '../../contract/service-token-source.js';

/** An instance's service tokens, as runService builds them once. */
export interface InstanceTokens {
  /** Undefined when the runtime gave the instance no client credentials. */
  readonly source: ServiceTokenSource | undefined;
  /** The catalog the app finds auth in (the first one it builds a caller on). */
  useCatalog(catalog: CatalogCache): void;
  /** Stops the catalog it opened of its own, if it had to. */
  close(): void;
}

/** Options of createInstanceTokens. */
export interface InstanceTokensOptions {
  readonly config: Pick<ServiceConfig, 'client' | 'platformTokensDir'>;
  readonly http: HttpClient;
  /** A new catalog on the registry (for an instance whose app builds none). */
  readonly createCatalog: () => CatalogCache;
  /** How long its own catalog may take to load. */
  readonly catalogTimeoutMs: number;
}

/**
 * The token source of one instance: the platform's projected tokens first (registry, bus,
 * cache), then auth's client-credentials endpoint, which it reaches through the app's catalog,
 * or through one of its own, opened only when it has to ask auth (an export, where no runtime
 * projects tokens) and the app built none (the bus, the cache).
 */
export function createInstanceTokens(options: InstanceTokensOptions): InstanceTokens {
  const { config, http } = options;
  let appCatalog: CatalogCache | undefined;
  let ownCatalog: CatalogCache | undefined;
  const catalogForAuth = (): CatalogCache => {
    if (appCatalog) return appCatalog;
    if (!ownCatalog) {
      ownCatalog = options.createCatalog();
      ownCatalog.start(Date.now() + options.catalogTimeoutMs).catch(() => undefined);
    }
    return ownCatalog;
  };
  const client = config.client;
  let remoteFetch: FetchServiceToken | undefined;
  const source = client
    ? createServiceTokenSource({
        clientId: client.id,
        ...(config.platformTokensDir ? { projected: projectedTokensIn(config.platformTokensDir) } : {}),
        fetch: (scopes, trace) => (remoteFetch ??= createRemoteTokenFetch({ caller: createServiceCaller(catalogForAuth(), http), clientId: client.id, clientSecret: client.secret }))(scopes, trace),
      })
    : undefined;
  return {
    source,
    useCatalog(catalog) {
      appCatalog ??= catalog;
    },
    close() {
      ownCatalog?.stop();
    },
  };
}
