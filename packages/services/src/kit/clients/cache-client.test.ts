import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCacheApp, type CacheApp } from '../../cache/app.js';
import { createEmbeddedCacheBackend } from '../../cache/embedded-backend.js';
import type { CatalogCache } from '../discovery/catalog-cache.js';
import { createServiceCaller } from '../discovery/service-caller.js';
import { createHttpClient, type HttpClient } from '../http/client.js';
import { closeServer, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { CacheUnavailableError, createCacheClient, type CacheClient } from './cache-client.js';

describe('cache client over the real cache', () => {
  let app: CacheApp;
  let http: HttpClient;
  let client: CacheClient;
  let instances: { service: string; instanceId: string; host: string; port: number; registeredAt: number; lastHeartbeat: number }[];

  beforeEach(async () => {
    app = createCacheApp({ backend: createEmbeddedCacheBackend(), telemetry: recordTelemetry('cache').telemetry });
    const { host, port } = await listenOnLoopback(app.server);
    instances = [{ service: 'cache', instanceId: 'cache#1', host, port, registeredAt: 0, lastHeartbeat: 0 }];
    const catalog = { instances: () => instances } as unknown as CatalogCache;
    http = createHttpClient({ timeoutMs: 1000 });
    client = createCacheClient(createServiceCaller(catalog, http));
  });

  afterEach(async () => {
    http.close();
    await closeServer(app.server);
    await app.close();
  });

  it('reads, writes and deletes', async () => {
    expect(await client.get('token:j1')).toBeUndefined();
    await client.set('token:j1', { active: true }, 60_000);
    expect(await client.get('token:j1')).toEqual({ active: true });
    await client.delete('token:j1');
    await client.delete('token:j1');
    expect(await client.get('token:j1')).toBeUndefined();
  });

  it('setIfAbsent writes an absent key and never replaces a live one (a fill loses to a logout)', async () => {
    expect(await client.setIfAbsent('token:j2', { active: true, exp: 9 }, 60_000)).toBe(true);
    expect(await client.setIfAbsent('token:j2', { active: true, exp: 10 }, 60_000)).toBe(false);
    expect(await client.get('token:j2')).toEqual({ active: true, exp: 9 });
    // Auth's logout, then a fill that was introspected before it.
    await client.set('token:j3', { active: false, exp: 9 }, 60_000);
    expect(await client.setIfAbsent('token:j3', { active: true, exp: 9 }, 60_000)).toBe(false);
    expect(await client.get('token:j3')).toEqual({ active: false, exp: 9 });
  });

  it('throws CacheUnavailableError when no cache instance is listed', async () => {
    instances = [];
    await expect(client.setIfAbsent('k', 1, 1000)).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(client.get('k')).rejects.toBeInstanceOf(CacheUnavailableError);
  });
});
