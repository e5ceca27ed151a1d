import { createTokenBucket, isBucketFull, takeToken, type BucketRate, type TakeResult, type TokenBucket } from '../../kit/limits/token-bucket.js';

/** Token buckets by key (a client address or a user id), bounded in memory. */
export interface BucketStore {
  /** Takes a token from `key`'s bucket at `now` (a new key starts with a full bucket). */
  take(key: string, now: number): TakeResult;
  /** Forgets every bucket that is full again at `now`: a fresh bucket would be the same. */
  sweep(now: number): void;
  /** Buckets held. */
  readonly size: number;
}

/**
 * Creates a bucket store reading its rate on every call (so a new rate applies at once).
 * A Map kept in least-recently-used order: past `maxKeys` the oldest bucket is dropped, which
 * at worst hands that key a fresh burst.
 */
export function createBucketStore(rate: () => BucketRate, maxKeys: number): BucketStore {
  const buckets = new Map<string, TokenBucket>();
  return {
    take(key, now) {
      const current = rate();
      const bucket = buckets.get(key) ?? createTokenBucket(current, now);
      buckets.delete(key);
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
      return takeToken(bucket, current, now);
    },
    sweep(now) {
      const current = rate();
      for (const [key, bucket] of buckets) if (isBucketFull(bucket, current, now)) buckets.delete(key);
    },
    get size() {
      return buckets.size;
    },
  };
}
