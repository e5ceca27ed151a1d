import { describe, expect, it, onTestFinished } from 'vitest';
import type { CatalogEvent, RegisterRequest } from '../contract/registry-api.js';
import { createCatalogCache } from '../kit/discovery/catalog-cache.js';
import { createLease } from '../kit/discovery/lease.js';
import { createHttpClient } from '../kit/http/client.js';
import { closeAfterTest, recordTelemetry } from '#test-support/kit.js';
import { startTestRegistry, testProfile1 } from '#test-support/registry.js';

// The kit's lease and catalog cache are the registry's real clients: these tests prove the contract end to end.
const registration: RegisterRequest = { ...testProfile1, host: '127.0.0.1', pid: process.pid };

function createClient() {
  const http = createHttpClient({ timeoutMs: 1000 });
  onTestFinished(() => http.close());
  return { http, telemetry: recordTelemetry('registry').telemetry };
}

describe('registry with the kit clients', () => {
  it('keeps a lease alive, re-registers after the registry forgets it, and deregisters on stop', async () => {
    // No sweeper: only the test makes the registry forget the instance.
    const registry = await closeAfterTest(startTestRegistry({ config: { heartbeatMs: 20 } }));
    const lease = createLease({ registryUrl: registry.url, registration, heartbeatMs: 20, ...createClient() });
    onTestFinished(() => lease.pause());

    expect(await lease.register(Date.now() + 2000)).toEqual({ instanceId: 'profile#1', heartbeatMs: 20, leaseMs: 60 });
    lease.start();
    const store = registry.app.store;
    const firstBeat = store.catalog().services.profile?.[0]?.lastHeartbeat ?? 0;
    await expect.poll(() => (store.catalog().services.profile?.[0]?.lastHeartbeat ?? 0) > firstBeat, { message: 'a heartbeat' }).toBeTruthy();

    store.deregister('profile#1');
    expect(store.size).toBe(0);
    await expect.poll(() => store.size === 1, { message: 're-registration after a 404 heartbeat' }).toBeTruthy();
    expect(store.catalog().services.profile?.[0]).toMatchObject({ instanceId: 'profile#1', port: 4001 });

    await lease.stop();
    expect(store.size).toBe(0);
    expect(registry.recorded.events().map((event) => event.name)).toEqual([
      'registry.registered',
      'registry.deregistered',
      'registry.registered',
      'registry.deregistered',
    ]);
  });

  it('lets a paused lease (a zombie) be evicted', async () => {
    const registry = await closeAfterTest(startTestRegistry({ sweep: true, config: { heartbeatMs: 20, missedHeartbeats: 3, sweepIntervalMs: 10 } }));
    const lease = createLease({ registryUrl: registry.url, registration, heartbeatMs: 20, ...createClient() });
    await lease.register(Date.now() + 2000);
    lease.pause();
    await expect.poll(() => registry.app.store.size === 0, { message: 'eviction' }).toBeTruthy();
    expect(registry.recorded.events().at(-1)?.name).toBe('registry.evicted');
  });

  it('fills a catalog cache and pushes changes to it', async () => {
    const registry = await closeAfterTest(startTestRegistry());
    registry.app.store.register({ ...registration, service: 'auth', instanceId: 'auth#1', routes: [{ prefix: '/auth', access: 'public' }] });
    // A refresh interval far beyond the test: only the push stream can deliver the change.
    const cache = createCatalogCache({ registryUrl: registry.url, refreshMs: 600_000, ...createClient() });
    onTestFinished(() => cache.stop());
    const pushed: (CatalogEvent | undefined)[] = [];
    cache.onChange((_, event) => pushed.push(event));

    await cache.start(Date.now() + 2000);
    expect(cache.current?.epoch).toBe(registry.app.store.epoch);
    expect(cache.instances('auth').map((instance) => instance.instanceId)).toEqual(['auth#1']);
    await expect.poll(() => cache.watching && registry.app.hub.size === 1, { message: 'the push stream' }).toBeTruthy();

    const lease = createLease({ registryUrl: registry.url, registration, heartbeatMs: 250, ...createClient() });
    await lease.register(Date.now() + 2000);
    await expect.poll(() => cache.instances('profile').length === 1, { message: 'the pushed registration' }).toBeTruthy();
    expect(cache.route('/profile/me')).toEqual({ prefix: '/profile', access: 'protected', service: 'profile' });
    expect(pushed.at(-1)?.change).toMatchObject({ kind: 'registered', instance: { instanceId: 'profile#1' } });

    await lease.stop();
    await expect.poll(() => cache.instances('profile').length === 0, { message: 'the pushed deregistration' }).toBeTruthy();
    expect(cache.current?.services.profile).toEqual([]);
    expect(cache.route('/profile/me')?.service).toBe('profile');
  });
});
