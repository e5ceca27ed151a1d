import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, createBackoff, retryUntil } from './backoff.js';

/** A seeded generator (a linear congruential one), so the jittered delays are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('backoff', () => {
  it('doubles its ceiling from baseMs up to maxMs', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 40].map((attempt) => backoffCeiling(attempt, { baseMs: 100, maxMs: 1000 }));
    expect(ceilings).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('draws each delay between 0 and its ceiling (full jitter)', () => {
    const random = seeded(26);
    for (let attempt = 0; attempt < 50; attempt++) {
      const delay = backoffDelay(attempt, { baseMs: 100, maxMs: 2000, random });
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(backoffCeiling(attempt, { baseMs: 100, maxMs: 2000 }));
    }
    expect(backoffDelay(2, { baseMs: 100, maxMs: 2000, random: () => 0.5 })).toBe(200);
  });

  it('spreads the delays of clients that failed together', () => {
    const random = seeded(7);
    const delays = Array.from({ length: 20 }, () => backoffDelay(4, { baseMs: 100, maxMs: 2000, random }));
    expect(new Set(delays).size).toBeGreaterThan(15);
  });

  it('counts failures and starts over after a reset', () => {
    const backoff = createBackoff({ baseMs: 10, maxMs: 25, random: () => 1 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([10, 20, 25]);
    expect(backoff.failures).toBe(3);
    backoff.reset();
    expect(backoff.failures).toBe(0);
    expect(backoff.next()).toBe(10);
  });

  it('retries until the attempt resolves, and rethrows past the deadline', async () => {
    let calls = 0;
    const value = await retryUntil(Date.now() + 5000, async () => {
      if (++calls < 3) throw new Error('not yet');
      return 'up';
    }, { baseMs: 1, maxMs: 2 });
    expect([value, calls]).toEqual(['up', 3]);
    await expect(retryUntil(Date.now() + 20, async () => Promise.reject(new Error('down')), { baseMs: 5, maxMs: 10 })).rejects.toThrow('down');
  });
});
