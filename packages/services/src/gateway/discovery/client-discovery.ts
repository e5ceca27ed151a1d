import type { CatalogCache } from '../../kit/discovery/catalog-cache.js';
import { createInstancePicker } from '../../kit/discovery/instance-picker.js';
import type { PassiveHealth } from '../../kit/discovery/passive-health.js';
import type { DiscoveryMode } from './discovery-mode.js';

/** Options of createClientDiscovery. */
export interface ClientDiscoveryOptions {
  /** The gateway's cached copy of the registry. */
  readonly catalog: Pick<CatalogCache, 'instances' | 'onChange'>;
  /** Skips instances that keep failing until the registry vouches for them. @default none */
  readonly passiveHealth?: PassiveHealth;
}

/**
 * Client-side discovery (Eureka's way): the gateway picks an instance of the route's service
 * round-robin from its cached catalog. An instance that refused a connection is ejected until
 * the catalog no longer lists that incarnation of it (the registry evicted it, or it
 * registered again); one that keeps failing is skipped by the passive health check.
 */
export function createClientDiscovery(options: ClientDiscoveryOptions): DiscoveryMode {
  const picker = createInstancePicker(options);
  return {
    name: 'client',
    pick: (route, exclude) => picker.pick(route.service, exclude),
    refused: (upstream) => picker.refused(upstream),
    settled: (upstream, result) => picker.settled(upstream, result),
    close: () => picker.close(),
  };
}
