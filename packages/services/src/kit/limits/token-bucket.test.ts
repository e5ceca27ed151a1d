import { describe, expect, it } from 'vitest';
import { createTokenBucket, isBucketFull, takeToken, type BucketRate } from './token-bucket.js';

const rate: BucketRate = { rps: 50, burst: 100 };

function countAllowed(times: readonly number[], bucketRate = rate): number {
  const bucket = createTokenBucket(bucketRate, times[0] ?? 0);
  return times.filter((now) => takeToken(bucket, bucketRate, now).allowed).length;
}

describe('token bucket', () => {
  it('lets exactly a burst through at once, then refuses', () => {
    expect(countAllowed(Array.from({ length: 110 }, () => 0))).toBe(100);
    expect(countAllowed(Array.from({ length: 10 }, () => 5), { rps: 1, burst: 3 })).toBe(3);
  });

  it('lets burst + 10 s × rate ± 1 through an open-loop load at twice the rate for 10 s', () => {
    // One request every 10 ms (100 req/s) from t = 0 to t = 9990 ms.
    const times = Array.from({ length: 1000 }, (_, i) => i * 10);
    const allowed = countAllowed(times);
    expect(Math.abs(allowed - (100 + 10 * 50))).toBeLessThanOrEqual(1);
    const odd = { rps: 7, burst: 3 };
    const oddAllowed = countAllowed(Array.from({ length: 1400 }, (_, i) => i * (1000 / 14)), odd);
    expect(Math.abs(oddAllowed - (3 + 100 * 7))).toBeLessThanOrEqual(1);
  });

  it('says when the next token arrives', () => {
    const bucket = createTokenBucket({ rps: 2, burst: 1 }, 0);
    expect(takeToken(bucket, { rps: 2, burst: 1 }, 0)).toEqual({ allowed: true });
    expect(takeToken(bucket, { rps: 2, burst: 1 }, 100)).toEqual({ allowed: false, retryAfterMs: 400 });
    expect(takeToken(bucket, { rps: 2, burst: 1 }, 499).allowed).toBe(false);
    expect(takeToken(bucket, { rps: 2, burst: 1 }, 500).allowed).toBe(true);
  });

  it('never holds more than the burst, and ignores a clock that steps back', () => {
    const bucket = createTokenBucket(rate, 0);
    for (let i = 0; i < 100; i++) takeToken(bucket, rate, 0);
    expect(takeToken(bucket, rate, -5_000).allowed).toBe(false);
    expect(isBucketFull(bucket, rate, 1_999)).toBe(false);
    expect(isBucketFull(bucket, rate, 2_000)).toBe(true);
    expect(countAllowed([...Array.from({ length: 200 }, () => 1_000_000)])).toBe(100);
  });
});
