import type { Telemetry } from '../telemetry.js';
import type { FeedEventNames } from './revocation-feed.js';

/** Options of createCacheHealth. */
export interface CacheHealthOptions {
  readonly telemetry: Telemetry;
  /** Who uses the cache, named in events (`global`, `sidecar`). */
  readonly mode: string;
  /** @default { degraded: 'gateway.auth.degraded', restored: 'gateway.auth.restored' } */
  readonly events?: FeedEventNames;
  /** How long a failed cache is skipped. @default 1000 */
  readonly retryMs?: number;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/** Whether the global cache is worth asking, and the events that say when it stops and starts answering. */
export interface CacheHealth {
  /** False for `retryMs` after a failure, so a dead cache does not add its timeout to every request. */
  usable(): boolean;
  /** Records an answer (ends a degradation). */
  worked(): void;
  /** Records a failure (starts a degradation, reported once). */
  failed(error: unknown): void;
}

/** Tracks the global cache: the first failure emits `events.degraded` `{ mode, reason }` and a warning, the next answer `events.restored`. */
export function createCacheHealth(options: CacheHealthOptions): CacheHealth {
  const { telemetry, mode } = options;
  const clock = options.clock ?? Date.now;
  const retryMs = options.retryMs ?? 1000;
  const events = options.events ?? { degraded: 'gateway.auth.degraded', restored: 'gateway.auth.restored' };
  let degraded = false;
  let skipUntil = Number.NEGATIVE_INFINITY;
  return {
    usable: () => clock() >= skipUntil,
    worked() {
      if (!degraded) return;
      degraded = false;
      telemetry.event(events.restored, { mode });
      telemetry.info('the global cache answers again', { mode });
    },
    failed(error) {
      skipUntil = clock() + retryMs;
      if (degraded) return;
      degraded = true;
      const reason = error instanceof Error ? error.message : String(error);
      telemetry.event(events.degraded, { mode, reason });
      telemetry.warn('the global cache does not answer; asking auth instead', { mode, reason });
    },
  };
}
