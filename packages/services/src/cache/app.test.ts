import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenStateKey } from '../contract/cache-api.js';
import { closeServer, jsonOf, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { createCacheApp, type CacheApp } from './app.js';
import { createEmbeddedCacheBackend } from './embedded-backend.js';

describe('cache HTTP API', () => {
  let app: CacheApp;
  let base: string;
  let now: number;

  beforeEach(async () => {
    now = 1_000_000;
    app = createCacheApp({ backend: createEmbeddedCacheBackend({ maxEntries: 5, clock: () => now }), telemetry: recordTelemetry('cache').telemetry });
    base = (await listenOnLoopback(app.server)).url;
  });

  afterEach(async () => {
    await closeServer(app.server);
    await app.close();
  });

  const url = (key: string) => `${base}/cache/keys/${key}`;
  const put = (key: string, body: unknown) => fetch(url(key), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const get = (key: string) => fetch(url(key));

  it('stores, reads and deletes a key', async () => {
    const key = tokenStateKey('jti-1');
    const stored = await put(key, { value: { active: false, exp: 1_900_000_000 }, ttlMs: 60_000 });
    expect(stored.status).toBe(204);
    const hit = await get(key);
    expect(hit.status).toBe(200);
    const entry = await jsonOf(hit);
    expect(entry.value).toEqual({ active: false, exp: 1_900_000_000 });
    expect(entry.ttlMs).toBe(60_000);
    now += 15_000;
    expect((await jsonOf(await get(key))).ttlMs).toBe(45_000);
    expect((await fetch(url(key), { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(url(key), { method: 'DELETE' })).status).toBe(204);
    expect((await get(key)).status).toBe(404);
  });

  it('writes with ?ifAbsent=true only an absent key, answering 409 CACHE_KEY_EXISTS otherwise', async () => {
    const key = tokenStateKey('jti-2');
    const putIfAbsent = (body: unknown) => fetch(`${url(key)}?ifAbsent=true`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await put(key, { value: { active: false, exp: 1 }, ttlMs: 1000 })).status).toBe(204);
    const refused = await putIfAbsent({ value: { active: true }, ttlMs: 60_000 });
    expect(refused.status).toBe(409);
    expect((await jsonOf(refused)).error.code).toBe('CACHE_KEY_EXISTS');
    expect((await jsonOf(await get(key))).value).toEqual({ active: false, exp: 1 });
    now += 1000;
    expect((await putIfAbsent({ value: { active: true }, ttlMs: 60_000 })).status).toBe(204);
    expect(await jsonOf(await get(key))).toEqual({ value: { active: true }, ttlMs: 60_000 });
    expect((await fetch(`${url(key)}?ifAbsent=maybe`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value":1,"ttlMs":1}' })).status).toBe(400);
    // An unconditional write still replaces it.
    expect((await fetch(`${url(key)}?ifAbsent=false`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value":2,"ttlMs":1000}' })).status).toBe(204);
    expect((await jsonOf(await get(key))).value).toBe(2);
  });

  it('answers 404 CACHE_MISS for an absent key and once the TTL has passed', async () => {
    const miss = await get('never-set');
    expect(miss.status).toBe(404);
    expect((await jsonOf(miss)).error.code).toBe('CACHE_MISS');
    await put('short', { value: 1, ttlMs: 30 });
    now += 29;
    expect(await jsonOf(await get('short'))).toEqual({ value: 1, ttlMs: 1 });
    now += 1;
    const expired = await get('short');
    expect(expired.status).toBe(404);
    expect((await jsonOf(expired)).error.code).toBe('CACHE_MISS');
  });

  it.each(['a'.repeat(257), 'sp%20ace', 'sl%2Fash', 'uni%C3%A9'])('refuses the key %s with 400 CACHE_KEY_INVALID', async (key) => {
    for (const res of [await get(key), await put(key, { value: 1, ttlMs: 1000 }), await fetch(url(key), { method: 'DELETE' })]) {
      expect(res.status).toBe(400);
      expect((await jsonOf(res)).error.code).toBe('CACHE_KEY_INVALID');
    }
  });

  it.each([{ value: 1 }, { value: 1, ttlMs: 0 }, { value: 1, ttlMs: 7 * 86_400_000 + 1 }, { value: 1, ttlMs: 1.5 }, { ttlMs: 1000 }])(
    'refuses the body %j with 400 HTTP_VALIDATION_FAILED',
    async (body) => {
      const res = await put('k', body);
      expect(res.status).toBe(400);
      expect((await jsonOf(res)).error.code).toBe('HTTP_VALIDATION_FAILED');
    },
  );

  it('accepts values up to 64 KiB and refuses more with 413 CACHE_VALUE_TOO_LARGE', async () => {
    expect((await put('k', { value: 'x'.repeat(64 * 1024 - 2), ttlMs: 1000 })).status).toBe(204);
    const over = await put('k', { value: 'x'.repeat(64 * 1024), ttlMs: 1000 });
    expect(over.status).toBe(413);
    expect((await jsonOf(over)).error.code).toBe('CACHE_VALUE_TOO_LARGE');
  });

  it('reports its size on /health and stays within its bound', async () => {
    for (let i = 0; i < 8; i++) await put(`k${i}`, { value: i, ttlMs: 60_000 });
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await jsonOf(health)).toEqual({ status: 'ok', size: 5 });
    expect((await get('k0')).status).toBe(404);
    expect((await get('k7')).status).toBe(200);
    expect(app.routes).toEqual([]);
  });
});
