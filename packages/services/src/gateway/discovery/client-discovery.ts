import type { Catalog, InstanceRecord } from '../../contract/registry-api.js';
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
 * cached catalog. An instance that refused a connection is ejected until the catalog no
 * longer lists that incarnation of it (the registry evicted it, or it registered again).
 */
export function createClientDiscovery(options: ClientDiscoveryOptions): DiscoveryMode {
  const { catalog } = options;
  const picker = createRoundRobin();
  // Instance id → the incarnation (address and registration time) that refused.
  const ejected = new Map<string, string>();
  const stopListening = catalog.onChange((next) => {
    for (const [id, incarnation] of ejected) {
      const listed = findInstance(next, id);
      if (!listed || incarnationOf(listed) !== incarnation) ejected.delete(id);
    }
  });

  return {
    name: 'client',
    pick(route, exclude) {
      const instances = catalog.instances(route.service);
      const skip = mergeExclusions(ejected, exclude);
      const instance = picker.pick(route.service, instances, skip);
      return instance ? toUpstream(instance) : undefined;
    },
    refused(upstream) {
      ejected.set(upstream.id, incarnationOf(upstream));
    },
    close() {
      stopListening();
      ejected.clear();
    },
  };
}

// The hot path allocates nothing while no instance is ejected and nothing was tried yet.
function mergeExclusions(ejected: ReadonlyMap<string, string>, exclude: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined {
  if (ejected.size === 0) return exclude;
  return new Set([...ejected.keys(), ...(exclude ?? [])]);
}

function toUpstream(instance: InstanceRecord): Upstream {
  return { id: instance.instanceId, host: instance.host, port: instance.port, registeredAt: instance.registeredAt };
}

function incarnationOf(instance: { host: string; port: number; registeredAt?: number }): string {
  return `${instance.host}:${instance.port}@${instance.registeredAt ?? 0}`;
}

function findInstance(catalog: Catalog, id: string): InstanceRecord | undefined {
  for (const instances of Object.values(catalog.services)) {
    const found = instances.find((instance) => instance.instanceId === id);
    if (found) return found;
  }
  return undefined;
}
