import type { InstanceRecord } from '../../contract/registry-api.js';
import type { CatalogCache } from '../../kit/discovery/catalog-cache.js';
import { createRoundRobin } from '../../kit/discovery/round-robin.js';
import type { DiscoveryMode, Upstream } from './discovery-mode.js';

/** Options of createClientDiscovery. */
export interface ClientDiscoveryOptions {
  /** The gateway's cached copy of the registry. */
  readonly catalog: Pick<CatalogCache, 'instances' | 'onChange'>;
}

/**
 * Client-side discovery (Eureka's way): the gateway picks an instance round-robin from its
 * cached catalog. An instance that refused a connection is ejected until the catalog changes
 * (the registry evicts it, or it registers again on a new address).
 */
export function createClientDiscovery(options: ClientDiscoveryOptions): DiscoveryMode {
  const { catalog } = options;
  const picker = createRoundRobin();
  const ejected = new Set<string>();
  const stopListening = catalog.onChange(() => ejected.clear());

  return {
    name: 'client',
    pick(route, exclude) {
      const instances = catalog.instances(route.service);
      const skip = mergeExclusions(ejected, exclude);
      const instance = picker.pick(route.service, instances, skip);
      return instance ? toUpstream(instance) : undefined;
    },
    refused(upstream) {
      ejected.add(upstream.id);
    },
    close() {
      stopListening();
      ejected.clear();
    },
  };
}

// The hot path allocates nothing while no instance is ejected and nothing was tried yet.
function mergeExclusions(ejected: ReadonlySet<string>, exclude: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined {
  if (ejected.size === 0) return exclude;
  if (!exclude || exclude.size === 0) return ejected;
  return new Set([...ejected, ...exclude]);
}

function toUpstream(instance: InstanceRecord): Upstream {
  return { id: instance.instanceId, host: instance.host, port: instance.port };
}
