import type { CatalogCache } from '../../kit/discovery/catalog-cache.js';
import { createInstancePicker } from '../../kit/discovery/instance-picker.js';
import type { PassiveHealth } from '../../kit/discovery/passive-health.js';
import type { DiscoveryMode } from './discovery-mode.js';

/** The service name the lb instances register under. */
export const lbServiceName = 'lb';

/** Options of createServerDiscovery. */
export interface ServerDiscoveryOptions {
  /** The gateway's cached copy of the registry (only its `lb` instances are read). */
  readonly catalog: Pick<CatalogCache, 'instances' | 'onChange'>;
  /** The upstream timeout the lb applies to each of its (at most two) attempts. */
  readonly upstreamTimeoutMs: number;
  /** Skips lb instances that keep failing until the registry vouches for them. @default none */
  readonly passiveHealth?: PassiveHealth;
}

/**
 * Server-side discovery (AWS ELB, NGINX with Consul): the gateway sends every request to an
 * lb instance (round-robin if several) and the lb resolves the service instance. Route lookup
 * and access control stay in the gateway; it knows no service instance.
 */
export function createServerDiscovery(options: ServerDiscoveryOptions): DiscoveryMode {
  const picker = createInstancePicker(options);
  const { upstreamTimeoutMs } = options;
  return {
    name: 'server',
    pick: (_route, exclude) => picker.pick(lbServiceName, exclude),
    refused: (upstream) => picker.refused(upstream),
    settled: (upstream, result) => picker.settled(upstream, result),
    // The lb may spend two of its timeouts on one request (a retry); its answer must not lose that race.
    attemptTimeoutMs: 2 * upstreamTimeoutMs + Math.min(upstreamTimeoutMs, 1000),
    close: () => picker.close(),
  };
}
