import { LRUCache } from 'lru-cache';
import type { CacheBackend } from './backend.js';

/** Options of createEmbeddedCacheBackend. */
export interface EmbeddedCacheOptions {
  /** Entries kept; past it the least recently used go first. @default 100000 */
  readonly maxEntries?: number;
  /** Total bytes of the stored JSON; past it the least recently used go first. @default 67108864 */
  readonly maxBytes?: number;
  /** Monotonic ms now, for TTLs; tests pass a fake one (never 0: lru-cache reads a 0 start as "no TTL"). @default performance.now */
  readonly clock?: () => number;
}

/**
 * The in-memory cache of one instance, on lru-cache: per-entry TTL and bounded memory (by
 * count and by bytes) without a timer per entry. Everything is lost when it stops.
 */
export function createEmbeddedCacheBackend(options: EmbeddedCacheOptions = {}): CacheBackend {
  // Values are kept as their JSON text: its length bounds memory, and no caller can change a stored value.
  const lru = new LRUCache<string, string>({
    max: options.maxEntries ?? 100_000,
    maxSize: options.maxBytes ?? 64 * 1024 * 1024,
    sizeCalculation: (json) => Math.max(1, Buffer.byteLength(json)),
    ttlAutopurge: false,
    allowStale: false,
    // Read the clock on every check: no coarse cached "now" (and no timer that resets it).
    ttlResolution: 0,
    ...(options.clock ? { perf: { now: options.clock } } : {}),
  });

  const live = (key: string): { json: string; ttlMs: number } | undefined => {
    const json = lru.get(key);
    if (json === undefined) return undefined;
    const ttlMs = Math.ceil(lru.getRemainingTTL(key));
    return ttlMs > 0 ? { json, ttlMs } : undefined;
  };

  return {
    async get(key) {
      const entry = live(key);
      return entry ? { value: JSON.parse(entry.json) as unknown, ttlMs: entry.ttlMs } : undefined;
    },
    async set(key, value, ttlMs) {
      lru.set(key, JSON.stringify(value), { ttl: ttlMs });
    },
    // Check and write run in one turn of the event loop, with no await between: atomic here.
    async setIfAbsent(key, value, ttlMs) {
      if (live(key)) return false;
      lru.set(key, JSON.stringify(value), { ttl: ttlMs });
      return true;
    },
    async delete(key) {
      lru.delete(key);
    },
    size: async () => lru.size,
    ping: async () => true,
    async close() {
      lru.clear();
    },
  };
}
