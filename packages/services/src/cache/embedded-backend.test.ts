import { describe, expect, it } from 'vitest';
import { createEmbeddedCacheBackend } from './embedded-backend.js';

describe('embedded cache backend', () => {
  it('answers the value with the ms it has left, and nothing once expired', async () => {
    let now = 1_000_000;
    const backend = createEmbeddedCacheBackend({ clock: () => now });
    await backend.set('token:j1', { active: true }, 5000);
    expect(await backend.get('token:j1')).toEqual({ value: { active: true }, ttlMs: 5000 });
    now += 4000;
    expect(await backend.get('token:j1')).toEqual({ value: { active: true }, ttlMs: 1000 });
    now += 1001;
    expect(await backend.get('token:j1')).toBeUndefined();
    expect(await backend.size()).toBe(0);
  });

  it('replaces an entry and its TTL on set, and deletes absent keys quietly', async () => {
    let now = 1_000_000;
    const backend = createEmbeddedCacheBackend({ clock: () => now });
    await backend.set('k', 1, 100);
    now += 50;
    await backend.set('k', 2, 1000);
    expect(await backend.get('k')).toEqual({ value: 2, ttlMs: 1000 });
    await backend.delete('k');
    await backend.delete('never');
    expect(await backend.get('k')).toBeUndefined();
  });

  it('writes with setIfAbsent only when no live entry holds the key', async () => {
    let now = 1_000_000;
    const backend = createEmbeddedCacheBackend({ clock: () => now });
    expect(await backend.setIfAbsent('k', 'first', 100)).toBe(true);
    expect(await backend.setIfAbsent('k', 'second', 5000)).toBe(false);
    expect(await backend.get('k')).toEqual({ value: 'first', ttlMs: 100 });
    now += 100;
    expect(await backend.setIfAbsent('k', 'after expiry', 5000)).toBe(true);
    expect(await backend.get('k')).toEqual({ value: 'after expiry', ttlMs: 5000 });
    // Of many concurrent conditional writes exactly one wins.
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => backend.setIfAbsent('race', i, 5000)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect((await backend.get('race'))?.value).toBe(outcomes.indexOf(true));
  });

  it('keeps a copy: changing the value after set does not change the entry', async () => {
    const backend = createEmbeddedCacheBackend();
    const value = { list: [1] };
    await backend.set('k', value, 60_000);
    value.list.push(2);
    expect((await backend.get('k'))?.value).toEqual({ list: [1] });
  });

  it('holds at most maxEntries, evicting the least recently used', async () => {
    const backend = createEmbeddedCacheBackend({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) await backend.set(key, key, 60_000);
    await backend.get('a');
    await backend.set('d', 'd', 60_000);
    expect(await backend.size()).toBe(3);
    expect(await backend.get('b')).toBeUndefined();
    expect((await backend.get('a'))?.value).toBe('a');
  });

  it('holds at most maxBytes of JSON', async () => {
    const backend = createEmbeddedCacheBackend({ maxBytes: 1000 });
    for (let i = 0; i < 10; i++) await backend.set(`k${i}`, 'x'.repeat(298), 60_000);
    expect(await backend.size()).toBe(3);
    expect((await backend.get('k9'))?.value).toHaveLength(298);
  });
});
