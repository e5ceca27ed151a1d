import type { CatalogChange } from '../contract/registry-api.js';
import type { RegistryStore } from './store.js';

/** Options of createSweeper. */
export interface SweeperOptions {
  readonly store: RegistryStore;
  /** Age of the last heartbeat past which an instance is evicted (heartbeatMs × missedHeartbeats). */
  readonly leaseMs: number;
  /** How often to look for expired leases. */
  readonly intervalMs: number;
}

/** Evicts instances whose lease expired, on a timer or on demand. */
export interface Sweeper {
  /** Starts the timer (idempotent). */
  start(): void;
  stop(): void;
  /** Evicts expired instances now and returns the changes. */
  tick(): CatalogChange[];
  readonly running: boolean;
}

/** Creates the sweeper of a registry store. */
export function createSweeper(options: SweeperOptions): Sweeper {
  const { store, leaseMs, intervalMs } = options;
  let timer: NodeJS.Timeout | undefined;

  const tick = () => store.evictExpired(leaseMs);

  return {
    start() {
      if (timer) return;
      timer = setInterval(tick, intervalMs);
      // The server keeps the process alive; the sweeper alone must not.
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
    tick,
    get running() {
      return timer !== undefined;
    },
  };
}
