import type { Catalog, InstanceRecord } from '../../contract/registry-api.js';
import { incarnationOf, type AttemptResult, type Upstream } from '../proxy/upstream.js';
import type { CatalogCache } from './catalog-cache.js';
import type { PassiveHealth } from './passive-health.js';
import { createRoundRobin } from './round-robin.js';

/** Options of createInstancePicker. */
export interface InstancePickerOptions {
  /** The cached copy of the registry. */
  readonly catalog: Pick<CatalogCache, 'instances' | 'onChange'>;
  /** Skips instances that keep failing; without it only refused connections eject. */
  readonly passiveHealth?: PassiveHealth;
}

/** Picks instances of a service for a proxy, avoiding the ones that failed. */
export interface InstancePicker {
  /** The next instance of `service` round-robin, skipping ejected, skipped and `exclude`d ids; undefined when none is left. */
  pick(service: string, exclude?: ReadonlySet<string>): Upstream | undefined;
  /** `upstream` refused a connection: ejected until the catalog no longer lists that incarnation. */
  refused(upstream: Upstream): void;
  /** How an attempt ended: failures count towards the passive health check, an answer resets it. */
  settled(upstream: Upstream, result: AttemptResult): void;
  /** Stops following the catalog and forgets every ejection. */
  close(): void;
}

/**
 * Client-side instance choice shared by the gateway and the lb: round-robin over the catalog,
 * ejecting an instance that refused a connection until the registry drops or re-registers it,
 * and skipping one the passive health check gave up on.
 */
export function createInstancePicker(options: InstancePickerOptions): InstancePicker {
  const { catalog, passiveHealth } = options;
  const picker = createRoundRobin();
  // Instance id → the incarnation (address and registration time) that refused.
  const ejected = new Map<string, string>();
  const stopListening = catalog.onChange((next) => {
    for (const [id, incarnation] of ejected) {
      const listed = findInstance(next, id);
      if (!listed || incarnationOf(listed) !== incarnation) ejected.delete(id);
    }
  });

  // The hot path allocates nothing while nothing is ejected or skipped and nothing was tried yet.
  function exclusions(instances: readonly InstanceRecord[], exclude: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined {
    const skipping = (passiveHealth?.skippedCount ?? 0) > 0;
    if (ejected.size === 0 && !skipping) return exclude;
    const out = new Set([...ejected.keys(), ...(exclude ?? [])]);
    if (skipping) for (const instance of instances) if (passiveHealth!.isSkipped(instance)) out.add(instance.instanceId);
    return out;
  }

  return {
    pick(service, exclude) {
      const instances = catalog.instances(service);
      const instance = picker.pick(service, instances, exclusions(instances, exclude));
      return instance ? toUpstream(instance) : undefined;
    },
    refused(upstream) {
      ejected.set(upstream.id, incarnationOf(upstream));
    },
    settled(upstream, result) {
      if (result === 'answered') passiveHealth?.succeeded(upstream);
      else passiveHealth?.failed(upstream);
    },
    close() {
      stopListening();
      ejected.clear();
      passiveHealth?.clear();
    },
  };
}

function toUpstream(instance: InstanceRecord): Upstream {
  return { id: instance.instanceId, host: instance.host, port: instance.port, registeredAt: instance.registeredAt };
}

function findInstance(catalog: Catalog, id: string): InstanceRecord | undefined {
  for (const instances of Object.values(catalog.services)) {
    const found = instances.find((instance) => instance.instanceId === id);
    if (found) return found;
  }
  return undefined;
}
