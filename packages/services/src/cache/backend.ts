import type { CacheEntry } from '../contract/cache-api.js';

/**
 * Where the cache keeps entries: the seam between the HTTP app and a backend (embedded now,
 * Redis later). Methods are async so a networked backend fits without changing the app.
 */
export interface CacheBackend {
  /** The value and the ms it has left; undefined when absent or expired. */
  get(key: string): Promise<CacheEntry | undefined>;
  /** Stores `value` (JSON) for `ttlMs`, replacing any entry of that key. */
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  /**
   * Stores `value` for `ttlMs` only if no live entry holds `key`, as one atomic step (Redis:
   * `SET key value NX PX ttlMs`); true when it wrote, false when an entry was there.
   */
  setIfAbsent(key: string, value: unknown, ttlMs: number): Promise<boolean>;
  /** Removes the entry; absent keys are fine. */
  delete(key: string): Promise<void>;
  /** Number of entries held (expired ones may count until they are read or evicted). */
  size(): Promise<number>;
  /** Whether the backend answers (for `/health`). */
  ping(): Promise<boolean>;
  /** Releases the backend. */
  close(): Promise<void>;
}

/** Keys: 1..256 characters of `[A-Za-z0-9:._-]`. */
export const keyPattern = /^[A-Za-z0-9:._-]{1,256}$/;

/** Longest TTL: 7 days. */
export const maxTtlMs = 7 * 24 * 60 * 60 * 1000;

/** The largest value, as UTF-8 JSON. */
export const maxValueBytes = 64 * 1024;
