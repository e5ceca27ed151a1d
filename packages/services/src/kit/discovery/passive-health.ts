import type { InstanceRecord } from '../../contract/registry-api.js';
import { incarnationOf, type Upstream } from '../proxy/upstream.js';
import type { Telemetry } from '../telemetry.js';

/** Options of createPassiveHealth. */
export interface PassiveHealthOptions {
  /** Consecutive failures after which an instance is skipped. @default 5 */
  readonly failures?: number;
  /** Epoch ms now, compared with the registry's `lastHeartbeat`. @default Date.now */
  readonly clock?: () => number;
  /** Receives `discovery.skipped` and `discovery.restored` events. */
  readonly telemetry?: Pick<Telemetry, 'event'>;
}

/**
 * Passive health checking (NGINX's `max_fails`, Envoy's outlier detection): counts consecutive
 * connection failures and timeouts per instance; at the threshold the instance is skipped
 * until the registry vouches for it again — a catalog showing a heartbeat newer than the
 * moment it was skipped, or a new incarnation of it.
 */
export interface PassiveHealth {
  /** Counts one connection failure or timeout of `upstream`; the threshold-th one skips it. */
  failed(upstream: Upstream): void;
  /** `upstream` answered (any status): its count starts over. */
  succeeded(upstream: Upstream): void;
  /** Whether `record`, as the catalog lists it now, is skipped; restores it once the registry vouched for it. */
  isSkipped(record: InstanceRecord): boolean;
  /** How many instances are skipped now (0 lets callers skip the check). */
  readonly skippedCount: number;
  /** Forgets everything. */
  clear(): void;
}

interface Count {
  readonly incarnation: string;
  failures: number;
}

interface Skip {
  readonly incarnation: string;
  /** When it was skipped (epoch ms). */
  readonly since: number;
  readonly failures: number;
}

/** Creates the passive health state of one discovery client. */
export function createPassiveHealth(options: PassiveHealthOptions = {}): PassiveHealth {
  const threshold = options.failures ?? 5;
  const clock = options.clock ?? Date.now;
  const counts = new Map<string, Count>();
  const skipped = new Map<string, Skip>();

  function restore(instanceId: string, skip: Skip): void {
    skipped.delete(instanceId);
    counts.delete(instanceId);
    options.telemetry?.event('discovery.restored', { instanceId, failures: skip.failures });
  }

  return {
    failed(upstream) {
      if (skipped.has(upstream.id)) return;
      const incarnation = incarnationOf(upstream);
      let count = counts.get(upstream.id);
      if (!count || count.incarnation !== incarnation) counts.set(upstream.id, (count = { incarnation, failures: 0 }));
      count.failures += 1;
      if (count.failures < threshold) return;
      skipped.set(upstream.id, { incarnation, since: clock(), failures: count.failures });
      options.telemetry?.event('discovery.skipped', { instanceId: upstream.id, failures: count.failures });
    },
    succeeded(upstream) {
      counts.delete(upstream.id);
    },
    isSkipped(record) {
      const skip = skipped.get(record.instanceId);
      if (!skip) return false;
      if (record.lastHeartbeat > skip.since || incarnationOf(record) !== skip.incarnation) {
        restore(record.instanceId, skip);
        return false;
      }
      return true;
    },
    get skippedCount() {
      return skipped.size;
    },
    clear() {
      counts.clear();
      skipped.clear();
    },
  };
}
