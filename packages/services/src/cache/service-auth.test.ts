import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenStateKey } from '../contract/cache-api.js';
import { grantedScopes } from '../contract/service-auth.js';
import { closeServer, jsonOf, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { createTestServiceGuard, testServiceHeaders } from '#test-support/kit-service-auth.js';
import { createCacheApp, type CacheApp } from './app.js';
import { createEmbeddedCacheBackend } from './embedded-backend.js';

// Issue 23: the global cache takes service tokens (RFC 6750 bearer): cache.read to read,
// cache.write (auth's alone) to write or delete. A gateway holds cache.read only, so it cannot
// revive a revoked token by overwriting or deleting its state (CWE-345, OWASP ASVS 4.0.3 V3.5).

const revoked = { active: false, exp: 1_900_000_000 };

describe('guarded cache: reads need cache.read, writes cache.write', () => {
  let app: CacheApp;
  let base: string;

  beforeEach(async () => {
    app = createCacheApp({ backend: createEmbeddedCacheBackend({ maxEntries: 50, clock: () => 1_000_000 }), telemetry: recordTelemetry('cache').telemetry, serviceAuth: createTestServiceGuard('cache') });
    base = (await listenOnLoopback(app.server)).url;
  });

  afterEach(async () => {
    await closeServer(app.server);
    await app.close();
  });

  const key = tokenStateKey('jti-revoked');
  const url = (query = '') => `${base}/cache/keys/${key}${query}`;
  const auth = () => testServiceHeaders('auth#1', 'cache', grantedScopes('auth#1', 'cache'));
  const gateway = () => testServiceHeaders('gateway#1', 'cache', grantedScopes('gateway#1', 'cache'));
  const put = (headers: Record<string, string>, body: unknown, query = '') => fetch(url(query), { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const read = async () => {
    const res = await fetch(url(), { headers: gateway() });
    return { status: res.status, body: await jsonOf(res) };
  };

  it('grants auth cache.write and the gateway cache.read only (contract/service-auth.ts)', () => {
    expect(grantedScopes('auth#1', 'cache')).toEqual(['cache.write']);
    expect(grantedScopes('gateway#1', 'cache')).toEqual(['cache.read']);
    expect(grantedScopes('sidecar#1', 'cache')).toEqual(['cache.read']);
  });

  it('answers a GET without a token with 401 HTTP_SERVICE_TOKEN_MISSING and a challenge naming cache.read', async () => {
    const res = await fetch(url());
    expect(res.status).toBe(401);
    expect((await jsonOf(res)).error.code).toBe('HTTP_SERVICE_TOKEN_MISSING');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*scope="cache\.read"/);
  });

  it('answers a GET with a token for another audience with 401 HTTP_SERVICE_TOKEN_INVALID (RFC 8725 §3.9)', async () => {
    const res = await fetch(url(), { headers: testServiceHeaders('gateway#1', 'bus', ['cache.read']) });
    expect(res.status).toBe(401);
    expect((await jsonOf(res)).error.code).toBe('HTTP_SERVICE_TOKEN_INVALID');
  });

  it('answers a GET with a cache token without cache.read with 403 HTTP_SERVICE_SCOPE_MISSING', async () => {
    const res = await fetch(url(), { headers: auth() });
    expect(res.status).toBe(403);
    expect((await jsonOf(res)).error.code).toBe('HTTP_SERVICE_SCOPE_MISSING');
    expect(res.headers.get('www-authenticate')).toContain('scope="cache.read"');
  });

  it('lets auth write a token state and the gateway read it', async () => {
    expect((await put(auth(), { value: revoked, ttlMs: 60_000 })).status).toBe(204);
    expect(await read()).toEqual({ status: 200, body: { value: revoked, ttlMs: 60_000 } });
  });

  it.each([
    ['PUT', ''],
    ['PUT', '?ifAbsent=true'],
    ['DELETE', ''],
  ])('answers %s%s without a token with 401 and a challenge naming cache.write, the entry unchanged', async (method, query) => {
    expect((await put(auth(), { value: revoked, ttlMs: 60_000 })).status).toBe(204);
    const res = await fetch(url(query), { method, headers: { 'content-type': 'application/json' }, ...(method === 'PUT' ? { body: JSON.stringify({ value: { active: true }, ttlMs: 60_000 }) } : {}) });
    expect(res.status).toBe(401);
    expect((await jsonOf(res)).error.code).toBe('HTTP_SERVICE_TOKEN_MISSING');
    expect(res.headers.get('www-authenticate')).toContain('scope="cache.write"');
    expect((await read()).body.value).toEqual(revoked);
  });

  it('keeps a revoked token revoked: the gateway (cache.read) can neither overwrite nor delete its state (403)', async () => {
    expect((await put(auth(), { value: revoked, ttlMs: 60_000 })).status).toBe(204);
    const overwrite = await put(gateway(), { value: { active: true, sub: 'u1', exp: 1_900_000_000 }, ttlMs: 60_000 });
    expect(overwrite.status).toBe(403);
    expect((await jsonOf(overwrite)).error.code).toBe('HTTP_SERVICE_SCOPE_MISSING');
    expect(overwrite.headers.get('www-authenticate')).toContain('scope="cache.write"');
    const removed = await fetch(url(), { method: 'DELETE', headers: gateway() });
    expect(removed.status).toBe(403);
    expect((await jsonOf(removed)).error.code).toBe('HTTP_SERVICE_SCOPE_MISSING');
    expect(await read()).toEqual({ status: 200, body: { value: revoked, ttlMs: 60_000 } });
  });

  it('refuses the gateway a conditional fill (?ifAbsent=true) with 403, so it cannot plant a state before auth writes one', async () => {
    const fill = await put(gateway(), { value: { active: true }, ttlMs: 60_000 }, '?ifAbsent=true');
    expect(fill.status).toBe(403);
    expect((await jsonOf(fill)).error.code).toBe('HTTP_SERVICE_SCOPE_MISSING');
    expect((await read()).status).toBe(404);
    // Auth still fills it.
    expect((await put(auth(), { value: revoked, ttlMs: 60_000 }, '?ifAbsent=true')).status).toBe(204);
    expect((await read()).body.value).toEqual(revoked);
  });

  it('lets auth delete a state (cache.write)', async () => {
    expect((await put(auth(), { value: revoked, ttlMs: 60_000 })).status).toBe(204);
    expect((await fetch(url(), { method: 'DELETE', headers: auth() })).status).toBe(204);
    expect((await read()).status).toBe(404);
  });

  it('keeps /health open', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });
});
