import { describe, expect, it } from 'vitest';
import type { RouteEntry } from '../contract/registry-api.js';
import { buildCatalog, createFixedCatalog, errorCode, send, startEchoUpstream, startTestGateway, type EchoRecord, type TestGatewayOptions, type TestServer } from '#test-support/gateway.js';
import { closeAfterTest } from '#test-support/kit.js';

const routes: RouteEntry[] = [
  { prefix: '/auth', access: 'public', service: 'auth' },
  { prefix: '/auth/introspect', access: 'internal', service: 'auth' },
  { prefix: '/profile', access: 'public', service: 'profile' },
  { prefix: '/profile/admin', access: 'public', service: 'admin' },
  { prefix: '/sms', access: 'internal', service: 'sms' },
  { prefix: '/mail', access: 'public', service: 'mail' },
];

function upstream(id: string, host: string): Promise<TestServer> {
  return closeAfterTest(startEchoUpstream(id, host));
}

function gateway(options: TestGatewayOptions) {
  return closeAfterTest(startTestGateway(options));
}

async function setup() {
  const profile1 = await upstream('profile#1', '127.0.5.1');
  const profile2 = await upstream('profile#2', '127.0.5.2');
  const admin = await upstream('admin#1', '127.0.6.1');
  const auth = await upstream('auth#1', '127.0.3.1');
  const sms = await upstream('sms#1', '127.0.4.1');
  const catalog = createFixedCatalog(buildCatalog(routes, { profile: [profile1, profile2], admin: [admin], auth: [auth], sms: [sms], mail: [] }));
  const gw = await gateway({ catalog });
  return { gw, catalog, profile1, profile2, admin, auth, sms };
}

describe('gateway routing', () => {
  it('routes by the longest prefix on whole segments and forwards method, path and query', async () => {
    const { gw, admin, profile1, profile2 } = await setup();
    const answer = await send(gw.port, '/profile/admin/users?page=2', { method: 'DELETE' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ instance: 'admin#1', method: 'DELETE', url: '/profile/admin/users?page=2' });
    const sibling = await send(gw.port, '/profile/administrator');
    expect((sibling.body as EchoRecord).instance).toMatch(/^profile#/);
    expect(admin.requests).toHaveLength(1);
    expect(profile1.requests.length + profile2.requests.length).toBe(1);
  });

  it('spreads requests round-robin over the live instances', async () => {
    const { gw, profile1, profile2 } = await setup();
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(((await send(gw.port, '/profile/me')).body as EchoRecord).instance);
    expect(seen).toEqual(['profile#1', 'profile#2', 'profile#1', 'profile#2']);
    expect(profile1.requests).toHaveLength(2);
    expect(profile2.requests).toHaveLength(2);
  });

  it('answers 404 GATEWAY_ROUTE_NOT_FOUND for an unknown path', async () => {
    const { gw } = await setup();
    const answer = await send(gw.port, '/nowhere');
    expect(answer.status).toBe(404);
    expect(errorCode(answer)).toBe('GATEWAY_ROUTE_NOT_FOUND');
    expect(answer.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('hides internal routes behind 404 without contacting the service', async () => {
    const { gw, auth, sms } = await setup();
    for (const path of ['/auth/introspect', '/auth/introspect/', '/sms/send', '/%61uth/introspect']) {
      const answer = await send(gw.port, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token":"x"}' });
      expect({ path, status: answer.status, code: errorCode(answer) }).toEqual({ path, status: 404, code: 'GATEWAY_ROUTE_NOT_FOUND' });
    }
    expect(auth.requests).toHaveLength(0);
    expect(sms.requests).toHaveLength(0);
    expect((await send(gw.port, '/auth/login', { method: 'POST' })).status).toBe(200);
  });

  it('answers 503 GATEWAY_NO_INSTANCE for a known route without a live instance', async () => {
    const { gw } = await setup();
    const answer = await send(gw.port, '/mail/inbox');
    expect(answer.status).toBe(503);
    expect(errorCode(answer)).toBe('GATEWAY_NO_INSTANCE');
  });

  it('follows catalog changes', async () => {
    const { gw, catalog, profile1 } = await setup();
    catalog.set(buildCatalog(routes, { profile: [profile1] }, 2));
    for (let i = 0; i < 2; i++) expect(((await send(gw.port, '/profile/me')).body as EchoRecord).instance).toBe('profile#1');
    catalog.set(buildCatalog(routes.filter((route) => route.prefix !== '/profile'), {}, 3));
    expect(errorCode(await send(gw.port, '/profile/me'))).toBe('GATEWAY_ROUTE_NOT_FOUND');
  });

  it('serves its own /health with the modes and the catalog version', async () => {
    const { gw } = await setup();
    const answer = await send(gw.port, '/health');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok', discovery: 'client', auth: 'remote', catalogVersion: 1, watching: false });
    expect((await send(gw.port, '/health', { method: 'POST' })).status).toBe(405);
  });

  it('answers 503 on /health and on routes before the first catalog load', async () => {
    const gw = await gateway({ catalog: createFixedCatalog(undefined) });
    const health = await send(gw.port, '/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'starting', catalogVersion: null });
    const answer = await send(gw.port, '/profile/me');
    expect(answer.status).toBe(503);
    expect(errorCode(answer)).toBe('GATEWAY_CATALOG_UNAVAILABLE');
  });

  it('records a server span with route, service, upstream, modes and retries', async () => {
    const { gw, profile1 } = await setup();
    await send(gw.port, '/profile/me');
    await send(gw.port, '/nowhere');
    await expect.poll(() => gw.spans().filter((span) => span.kind === 'server').length === 2, { message: 'two server spans' }).toBeTruthy();
    const [ok, missing] = gw.spans().filter((span) => span.kind === 'server');
    expect(ok).toMatchObject({
      name: 'GET /profile/me',
      status: 200,
      attributes: {
        route: '/profile',
        service: 'profile',
        upstream: 'profile#1',
        upstreamAddress: `127.0.5.1:${profile1.port}`,
        discovery: 'client',
        auth: 'remote',
        authResult: 'public',
        retries: 0,
      },
    });
    expect(ok?.attributes).not.toHaveProperty('error');
    expect(missing).toMatchObject({ status: 404, attributes: { error: 'GATEWAY_ROUTE_NOT_FOUND' } });
  });
});
