import { request } from 'node:http';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Catalog, CatalogEvent } from '../contract/registry-api.js';
import { createSseParser } from '../kit/discovery/sse.js';
import { createHttpClient, type CallResult } from '../kit/http/client.js';
import { closeAfterTest, errorCode } from '#test-support/kit.js';
import { startTestRegistry, testAuth1, testProfile1, type TestRegistry, type TestRegistryOptions } from '#test-support/registry.js';

const profile1 = testProfile1;
const auth1 = testAuth1;

const http = createHttpClient({ timeoutMs: 2000 });
afterEach(() => http.close());

async function start(options: TestRegistryOptions = {}) {
  let now = 1_000_000;
  const registry = await closeAfterTest(startTestRegistry({ clock: () => now, epoch: 'test-epoch', ...options }));
  const call = <T = unknown>(method: string, path: string, body?: unknown): Promise<CallResult<T>> =>
    http.call<T>({ host: registry.host, port: registry.port, method, path, body });
  return { registry, call, advance: (ms: number) => (now += ms) };
}

/** Opens GET /v1/watch and collects the raw chunks and the parsed catalog events. */
function openWatch(registry: TestRegistry) {
  const events: CatalogEvent[] = [];
  const names: string[] = [];
  let raw = '';
  let contentType: string | undefined;
  const parse = createSseParser((event) => {
    names.push(event.event);
    events.push(JSON.parse(event.data) as CatalogEvent);
  });
  const req = request({ host: registry.host, port: registry.port, path: '/v1/watch' }, (res) => {
    contentType = res.headers['content-type'];
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      raw += chunk;
      parse(chunk);
    });
  });
  req.on('error', () => undefined);
  req.end();
  onTestFinished(() => void req.destroy());
  return { events, names, raw: () => raw, contentType: () => contentType, close: () => req.destroy() };
}

describe('registry HTTP API', () => {
  it('registers an instance and lists it with its routes', async () => {
    const { call } = await start({ config: { heartbeatMs: 200, missedHeartbeats: 4 } });
    const created = await call('POST', '/v1/instances', profile1);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ instanceId: 'profile#1', heartbeatMs: 200, leaseMs: 800 });
    const catalog = await call<Catalog>('GET', '/v1/catalog');
    expect(catalog.status).toBe(200);
    expect(catalog.body.epoch).toBe('test-epoch');
    expect(catalog.body.version).toBe(1);
    expect(catalog.body.routes).toEqual([{ prefix: '/profile', access: 'protected', service: 'profile' }]);
    expect(catalog.body.services.profile).toEqual([
      { service: 'profile', instanceId: 'profile#1', host: '127.0.5.1', port: 4001, pid: 101, registeredAt: 1_000_000, lastHeartbeat: 1_000_000 },
    ]);
    const service = await call('GET', '/v1/services/profile');
    expect(service.body).toMatchObject({ epoch: 'test-epoch', version: 1, instances: [{ instanceId: 'profile#1' }] });
    expect(await call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok', instances: 1, version: 1 } });
  });

  it('answers 200 to a re-registration of a known id', async () => {
    const { call } = await start();
    expect((await call('POST', '/v1/instances', profile1)).status).toBe(201);
    expect((await call('POST', '/v1/instances', { ...profile1, port: 4100 })).status).toBe(200);
    const catalog = await call<Catalog>('GET', '/v1/catalog');
    expect(catalog.body.services.profile?.map((instance) => instance.port)).toEqual([4100]);
  });

  it('answers 409 when a prefix belongs to another service, and logs why', async () => {
    const { call, registry } = await start();
    await call('POST', '/v1/instances', auth1);
    const conflict = await call('POST', '/v1/instances', { ...profile1, routes: [{ prefix: '/auth', access: 'public' }] });
    expect(conflict.status).toBe(409);
    expect(errorCode(conflict)).toBe('REGISTRY_ROUTE_CONFLICT');
    const warnings = registry.recorded.messages.flatMap((message) => (message.type === 'log' && message.record.level === 'warn' ? [message.record] : []));
    expect(warnings).toMatchObject([{ fields: { errorCode: 'REGISTRY_ROUTE_CONFLICT', service: 'profile', instanceId: 'profile#1' } }]);
  });

  it('answers 404 to a heartbeat or deregistration of an unknown id', async () => {
    const { call } = await start();
    const beat = await call('PUT', `/v1/instances/${encodeURIComponent('profile#7')}/heartbeat`);
    expect(beat.status).toBe(404);
    expect(errorCode(beat)).toBe('REGISTRY_INSTANCE_UNKNOWN');
    const gone = await call('DELETE', '/v1/instances/nobody');
    expect(gone.status).toBe(404);
    expect(errorCode(gone)).toBe('REGISTRY_INSTANCE_UNKNOWN');
    const service = await call('GET', '/v1/services/mail');
    expect(service.status).toBe(404);
    expect(errorCode(service)).toBe('REGISTRY_SERVICE_UNKNOWN');
  });

  it('renews a lease on heartbeat without changing the version', async () => {
    const { call, advance } = await start();
    await call('POST', '/v1/instances', profile1);
    advance(200);
    const beat = await call('PUT', `/v1/instances/${encodeURIComponent('profile#1')}/heartbeat`);
    expect(beat).toMatchObject({ status: 200, body: { leaseMs: 750 } });
    const catalog = await call<Catalog>('GET', '/v1/catalog');
    expect(catalog.body.version).toBe(1);
    expect(catalog.body.services.profile?.[0]?.lastHeartbeat).toBe(1_000_200);
  });

  it('deregisters, keeping the service and its routes', async () => {
    const { call, registry } = await start();
    await call('POST', '/v1/instances', profile1);
    const gone = await call('DELETE', `/v1/instances/${encodeURIComponent('profile#1')}`);
    expect(gone.status).toBe(204);
    const catalog = await call<Catalog>('GET', '/v1/catalog');
    expect(catalog.body).toMatchObject({ version: 2, services: { profile: [] }, routes: [{ prefix: '/profile', service: 'profile' }] });
    expect(registry.recorded.events()).toEqual([
      { name: 'registry.registered', data: { service: 'profile', instanceId: 'profile#1', address: '127.0.5.1:4001' } },
      { name: 'registry.deregistered', data: { service: 'profile', instanceId: 'profile#1', address: '127.0.5.1:4001' } },
    ]);
  });

  it('evicts an instance after missed heartbeats on the sweeper tick', async () => {
    const { call, registry, advance } = await start();
    await call('POST', '/v1/instances', profile1);
    await call('POST', '/v1/instances', auth1);
    advance(700);
    await call('PUT', '/v1/instances/auth%231/heartbeat');
    advance(50);
    expect(registry.app.sweeper.tick()).toEqual([]);
    advance(1);
    expect(registry.app.sweeper.tick().map((change) => change.instance.instanceId)).toEqual(['profile#1']);
    const catalog = await call<Catalog>('GET', '/v1/catalog');
    expect(catalog.body.services).toMatchObject({ profile: [], auth: [{ instanceId: 'auth#1' }] });
    expect(registry.recorded.events().at(-1)).toEqual({
      name: 'registry.evicted',
      data: { service: 'profile', instanceId: 'profile#1', address: '127.0.5.1:4001' },
    });
    expect((await call('PUT', '/v1/instances/profile%231/heartbeat')).status).toBe(404);
  });

  it('evicts with the real sweeper and clock', async () => {
    const registry = await closeAfterTest(startTestRegistry({ sweep: true, config: { heartbeatMs: 20, missedHeartbeats: 2, sweepIntervalMs: 10 } }));
    const created = await http.call({ host: registry.host, port: registry.port, method: 'POST', path: '/v1/instances', body: profile1 });
    expect(created.body).toMatchObject({ leaseMs: 40 });
    await expect.poll(() => registry.app.store.size === 0, { message: 'eviction' }).toBeTruthy();
    expect(registry.recorded.events().map((event) => event.name)).toEqual(['registry.registered', 'registry.evicted']);
  });

  it('grows the version only on real changes', async () => {
    const { call } = await start();
    const version = async () => (await call<Catalog>('GET', '/v1/catalog')).body.version;
    await call('POST', '/v1/instances', profile1);
    expect(await version()).toBe(1);
    await call('POST', '/v1/instances', profile1);
    await call('PUT', '/v1/instances/profile%231/heartbeat');
    expect(await version()).toBe(1);
    await call('POST', '/v1/instances', { ...profile1, routes: [{ prefix: '/profile', access: 'public' }] });
    expect(await version()).toBe(2);
    await call('POST', '/v1/instances', { ...profile1, routes: [{ prefix: '/auth', access: 'public' }], service: 'profile' });
    expect(await version()).toBe(3);
    await call('POST', '/v1/instances', { ...auth1, routes: [{ prefix: '/auth', access: 'public' }] }); // 409
    await call('DELETE', '/v1/instances/nobody'); // 404
    expect(await version()).toBe(3);
    await call('DELETE', '/v1/instances/profile%231');
    expect(await version()).toBe(4);
  });

  it('streams the snapshot, then one event per change, then keep-alives', async () => {
    const { call, registry } = await start({ keepAliveMs: 20 });
    await call('POST', '/v1/instances', auth1);
    const watch = openWatch(registry);
    await expect.poll(() => watch.events.length === 1, { message: 'snapshot' }).toBeTruthy();
    expect(watch.contentType()).toMatch(/^text\/event-stream/);
    expect(watch.names).toEqual(['catalog']);
    expect(watch.events[0]).toEqual({ catalog: (await call<Catalog>('GET', '/v1/catalog')).body });
    expect(watch.events[0]).not.toHaveProperty('change');

    await call('POST', '/v1/instances', profile1);
    await expect.poll(() => watch.events.length === 2, { message: 'change event' }).toBeTruthy();
    const event = watch.events[1]!;
    expect(event.change).toMatchObject({ version: 2, kind: 'registered', instance: { instanceId: 'profile#1' } });
    expect(event.catalog.version).toBe(2);
    expect(event.catalog.services.profile?.map((instance) => instance.instanceId)).toEqual(['profile#1']);

    await call('PUT', '/v1/instances/profile%231/heartbeat');
    await call('DELETE', '/v1/instances/profile%231');
    await expect.poll(() => watch.events.length === 3, { message: 'deregistration event' }).toBeTruthy();
    expect(watch.events[2]?.change).toMatchObject({ version: 3, kind: 'deregistered' });
    await expect.poll(() => watch.raw().includes(':keep-alive\n\n'), { message: 'keep-alive comment' }).toBeTruthy();

    watch.close();
    await expect.poll(() => registry.app.hub.size === 0, { message: 'subscriber cleanup' }).toBeTruthy();
  });

  it('ends watch streams as soon as the server stops accepting', async () => {
    const registry = await closeAfterTest(startTestRegistry());
    const watch = openWatch(registry);
    await expect.poll(() => registry.app.hub.size === 1, { message: 'subscriber' }).toBeTruthy();
    let closed = false;
    registry.app.server.close(() => (closed = true));
    await expect.poll(() => closed, { message: 'server close with an open watch stream' }).toBeTruthy();
    expect(registry.app.hub.size).toBe(0);
    watch.close();
  });

  it('refuses malformed registrations with 400 HTTP_VALIDATION_FAILED', async () => {
    const { call } = await start();
    for (const body of [
      { ...profile1, service: 'Profile' },
      { ...profile1, host: 'example_com' },
      { ...profile1, port: 0 },
      { ...profile1, routes: [{ prefix: '/profile/', access: 'protected' }] },
      { ...profile1, routes: [{ prefix: '/a/../b', access: 'protected' }] },
      { ...profile1, routes: [{ prefix: '/profile', access: 'secret' }] },
      { service: 'profile' },
    ]) {
      const result = await call('POST', '/v1/instances', body);
      expect(result.status).toBe(400);
      expect(errorCode(result)).toBe('HTTP_VALIDATION_FAILED');
    }
    expect((await call<Catalog>('GET', '/v1/catalog')).body).toMatchObject({ version: 0, services: {}, routes: [] });
  });
});
