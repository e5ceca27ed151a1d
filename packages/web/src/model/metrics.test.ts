import { describe, expect, it } from 'vitest';
import { span } from './fixtures';
import { quantile, RequestSamples, secondBuckets } from './metrics';

describe('quantile', () => {
  it('answers the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([3, 1, 2], 1)).toBe(3);
    expect(quantile([], 0.99)).toBeUndefined();
  });
});

describe('secondBuckets', () => {
  it('counts requests and their p99 per second over the window, oldest first', () => {
    const now = 100_500;
    const samples = [
      { start: 100_100, durationMs: 5 },
      { start: 100_900, durationMs: 9 },
      { start: 99_000, durationMs: 20 },
      { start: 40_000, durationMs: 1 },
      { start: 40_999, durationMs: 1 },
    ];
    const buckets = secondBuckets(samples, now, 60);
    expect(buckets).toHaveLength(60);
    expect(buckets.at(-1)).toEqual({ startMs: 100_000, count: 2, p99Ms: 9 });
    expect(buckets.at(-2)).toEqual({ startMs: 99_000, count: 1, p99Ms: 20 });
    expect(buckets[0]).toEqual({ startMs: 41_000, count: 0, p99Ms: undefined });
    expect(buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(3);
  });
});

describe('RequestSamples', () => {
  it('counts a root once and prunes old ones', () => {
    const samples = new RequestSamples(10_000);
    const root = span({ spanId: 'r', start: 1_000 });
    samples.add([root, root, span({ spanId: 'r2', start: 9_000 })]);
    expect(samples.list()).toHaveLength(2);
    samples.prune(15_000);
    expect(samples.list().map((sample) => sample.start)).toEqual([9_000]);
    samples.add([span({ spanId: 'r2', start: 9_000 })]);
    expect(samples.list()).toHaveLength(1);
    samples.clear();
    expect(samples.list()).toEqual([]);
  });
});
