import type { InstanceRecord } from '../../contract/registry-api.js';

/** Picks instances of each service in turn, skipping the ones a caller already tried. */
export interface RoundRobin {
  pick(service: string, instances: readonly InstanceRecord[], exclude?: ReadonlySet<string>): InstanceRecord | undefined;
}

/** Creates a round-robin picker with one counter per service. */
export function createRoundRobin(): RoundRobin {
  const counters = new Map<string, number>();
  return {
    pick(service, instances, exclude) {
      const n = instances.length;
      if (n === 0) return undefined;
      const start = counters.get(service) ?? 0;
      for (let i = 0; i < n; i++) {
        const candidate = instances[(start + i) % n]!;
        if (exclude?.has(candidate.instanceId)) continue;
        counters.set(service, (start + i + 1) % n);
        return candidate;
      }
      return undefined;
    },
  };
}
