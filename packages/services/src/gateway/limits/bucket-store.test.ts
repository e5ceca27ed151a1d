import { describe, expect, it } from 'vitest';
import { createBucketStore } from './bucket-store.js';

describe('bucket store', () => {
  it('keeps one bucket per key and forgets the oldest past its bound', () => {
    const store = createBucketStore(() => ({ rps: 1, burst: 1 }), 2);
    expect(store.take('a', 0).allowed).toBe(true);
    expect(store.take('b', 0).allowed).toBe(true);
    expect(store.take('a', 0).allowed).toBe(false);
    expect(store.take('c', 0).allowed).toBe(true);
    expect(store.size).toBe(2);
    // 'b' was the least recently used: it comes back with a fresh bucket; 'a' was kept.
    expect(store.take('b', 0).allowed).toBe(true);
    expect(store.take('c', 0).allowed).toBe(false);
  });

  it('forgets buckets that are full again when swept', () => {
    const store = createBucketStore(() => ({ rps: 10, burst: 5 }), 100);
    store.take('a', 0);
    store.take('b', 400);
    store.sweep(450);
    expect(store.size).toBe(1);
    store.sweep(499);
    expect(store.size).toBe(1);
    store.sweep(500);
    expect(store.size).toBe(0);
  });
});
