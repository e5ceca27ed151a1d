import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Catalog, RegisterRequest } from '../contract/registry-api.js';
import { matchRoute } from '../kit/discovery/route-match.js';
import { createHttpClient, type CallResult } from '../kit/http/client.js';
import { closeAfterTest, errorCode } from '#test-support/kit.js';
import { createTestServiceGuard, testServiceHeaders } from '#test-support/kit-service-auth.js';
import { mayClaimPrefix, mayHoldLease } from './routes.js';
import { startTestRegistry, testAuth1, type TestRegistryOptions } from '#test-support/registry.js';

// Issue 23: a lease is its holder's. The registry takes `registry.register` service tokens
// (RFC 6750 bearer), and an instance registers, heartbeats and deregisters only itself
// (CWE-639: no acting on another instance's lease by naming its id).

const mail1: RegisterRequest = { service: 'mail', instanceId: 'mail#1', host: '127.0.10.1', port: 4010, routes: [{ prefix: '/mail', access: 'protected' }] };
const profile1: RegisterRequest = { service: 'profile', instanceId: 'profile#1', host: '127.0.5.1', port: 4005, routes: [{ prefix: '/profile', access: 'protected' }] };
const nginx1: RegisterRequest = { service: 'lb', instanceId: 'nginx#1', host: '127.0.12.1', port: 4012, routes: [] };

const register = ['registry.register'] as const;
const mailToken = () => testServiceHeaders('mail#1', 'registry', register);
const profileToken = () => testServiceHeaders('profile#1', 'registry', register);
const nginxSyncToken = () => testServiceHeaders('nginx-sync#1', 'registry', register);

const http = createHttpClient({ timeoutMs: 2000 });
afterEach(() => http.close());

async function start(options: TestRegistryOptions = { serviceAuth: createTestServiceGuard('registry') }) {
  const registry = await closeAfterTest(startTestRegistry(options));
  const call = <T = unknown>(method: string, path: string, headers?: Record<string, string>, body?: unknown): Promise<CallResult<T>> =>
    http.call<T>({ host: registry.host, port: registry.port, method, path, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });
  return { registry, call, instanceIds: registry.instanceIds };
}

describe('guarded registry: leases need registry.register (RFC 6750 bearer, OWASP ASVS 4.0.3 V4)', () => {
  it('answers 401 HTTP_SERVICE_TOKEN_MISSING with a Bearer challenge naming the scope to a registration without a token', async () => {
    const { call, instanceIds } = await start();
    const refused = await call('POST', '/v1/instances', undefined, mail1);
    expect(refused.status).toBe(401);
    expect(errorCode(refused)).toBe('HTTP_SERVICE_TOKEN_MISSING');
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(refused.headers['www-authenticate']).toContain('scope="registry.register"');
    expect(instanceIds()).toEqual([]);
  });

  it.each([
    { answer: '401 HTTP_SERVICE_TOKEN_INVALID to a token for another audience (RFC 8725 §3.9: aud checked)', audience: 'bus', scope: 'registry.register', status: 401, code: 'HTTP_SERVICE_TOKEN_INVALID', challenge: 'error="invalid_token"' },
    { answer: '403 HTTP_SERVICE_SCOPE_MISSING (insufficient_scope) to a registry token without registry.register', audience: 'registry', scope: 'registry.read', status: 403, code: 'HTTP_SERVICE_SCOPE_MISSING', challenge: 'error="insufficient_scope"' },
  ])('answers $answer', async ({ audience, scope, status, code, challenge }) => {
    const { call, instanceIds } = await start();
    const refused = await call('POST', '/v1/instances', testServiceHeaders('mail#1', audience, [scope]), mail1);
    expect(refused.status).toBe(status);
    expect(errorCode(refused)).toBe(code);
    expect(refused.headers['www-authenticate']).toContain(challenge);
    expect(instanceIds()).toEqual([]);
  });

  it('registers an instance with its own token (201), and again (200)', async () => {
    const { call, instanceIds } = await start();
    expect((await call('POST', '/v1/instances', mailToken(), mail1)).status).toBe(201);
    expect((await call('POST', '/v1/instances', mailToken(), mail1)).status).toBe(200);
    expect(instanceIds()).toEqual(['mail#1']);
  });

  it('refuses mail#1 registering profile#1 with 403 REGISTRY_REGISTRATION_FORBIDDEN, leaving the catalog empty (CWE-639)', async () => {
    const { call, instanceIds, registry } = await start();
    const refused = await call('POST', '/v1/instances', mailToken(), profile1);
    expect(refused.status).toBe(403);
    expect(errorCode(refused)).toBe('REGISTRY_REGISTRATION_FORBIDDEN');
    expect(instanceIds()).toEqual([]);
    expect(registry.app.store.version).toBe(0);
    expect(registry.app.store.catalog().routes).toEqual([]);
  });

  it('refuses mail#1 registering itself as service auth with 403 REGISTRY_REGISTRATION_FORBIDDEN', async () => {
    const { call, instanceIds, registry } = await start();
    const refused = await call('POST', '/v1/instances', mailToken(), { ...mail1, service: 'auth', routes: [{ prefix: '/auth', access: 'public' }] });
    expect(refused.status).toBe(403);
    expect(errorCode(refused)).toBe('REGISTRY_REGISTRATION_FORBIDDEN');
    expect(instanceIds()).toEqual([]);
    expect(registry.app.store.service('auth')).toBeUndefined();
  });

  it("refuses a heartbeat and a DELETE of another instance's lease with 403, leaving the lease untouched", async () => {
    let now = 1_000_000;
    const { call, instanceIds, registry } = await start({ serviceAuth: createTestServiceGuard('registry'), clock: () => now });
    expect((await call('POST', '/v1/instances', profileToken(), profile1)).status).toBe(201);
    now += 5_000;
    const beat = await call('PUT', `/v1/instances/${encodeURIComponent('profile#1')}/heartbeat`, mailToken());
    expect(beat.status).toBe(403);
    expect(errorCode(beat)).toBe('REGISTRY_REGISTRATION_FORBIDDEN');
    expect(registry.app.store.catalog().services.profile?.[0]?.lastHeartbeat).toBe(1_000_000);
    const removed = await call('DELETE', `/v1/instances/${encodeURIComponent('profile#1')}`, mailToken());
    expect(removed.status).toBe(403);
    expect(errorCode(removed)).toBe('REGISTRY_REGISTRATION_FORBIDDEN');
    expect(instanceIds()).toEqual(['profile#1']);
    // Its holder still can.
    expect((await call('PUT', `/v1/instances/${encodeURIComponent('profile#1')}/heartbeat`, profileToken())).status).toBe(200);
    expect(registry.app.store.catalog().services.profile?.[0]?.lastHeartbeat).toBe(1_005_000);
    expect((await call('DELETE', `/v1/instances/${encodeURIComponent('profile#1')}`, profileToken())).status).toBe(204);
    expect(instanceIds()).toEqual([]);
  });

  it('refuses a heartbeat and a DELETE without a token with 401, leaving the lease untouched', async () => {
    const { call, instanceIds } = await start();
    expect((await call('POST', '/v1/instances', profileToken(), profile1)).status).toBe(201);
    for (const [method, path] of [
      ['PUT', '/v1/instances/profile%231/heartbeat'],
      ['DELETE', '/v1/instances/profile%231'],
    ] as const) {
      const refused = await call(method, path);
      expect(refused.status).toBe(401);
      expect(errorCode(refused)).toBe('HTTP_SERVICE_TOKEN_MISSING');
    }
    expect(instanceIds()).toEqual(['profile#1']);
  });

  it('lets nginx-sync#1 register nginx#1 as lb, but not as auth, and not mail#1', async () => {
    const { call, instanceIds, registry } = await start();
    expect((await call('POST', '/v1/instances', nginxSyncToken(), nginx1)).status).toBe(201);
    expect((await call('PUT', '/v1/instances/nginx%231/heartbeat', nginxSyncToken())).status).toBe(200);
    const asAuth = await call('POST', '/v1/instances', nginxSyncToken(), { ...nginx1, service: 'auth' });
    expect(asAuth.status).toBe(403);
    expect(errorCode(asAuth)).toBe('REGISTRY_REGISTRATION_FORBIDDEN');
    const mail = await call('POST', '/v1/instances', nginxSyncToken(), mail1);
    expect(mail.status).toBe(403);
    expect(errorCode(mail)).toBe('REGISTRY_REGISTRATION_FORBIDDEN');
    expect(instanceIds()).toEqual(['nginx#1']);
    expect(registry.app.store.catalog().services.lb?.map((instance) => instance.instanceId)).toEqual(['nginx#1']);
    expect((await call('DELETE', '/v1/instances/nginx%231', nginxSyncToken())).status).toBe(204);
  });

  it('keeps the catalog reads open: GET /v1/catalog, /v1/services/:name and /v1/watch need no token', async () => {
    const { call, registry } = await start();
    expect((await call('POST', '/v1/instances', mailToken(), mail1)).status).toBe(201);
    const catalog = await call<Catalog>('GET', '/v1/catalog');
    expect(catalog.status).toBe(200);
    expect(catalog.body.services.mail?.map((instance) => instance.instanceId)).toEqual(['mail#1']);
    expect((await call('GET', '/v1/services/mail')).status).toBe(200);
    expect((await call('HEAD', '/v1/watch')).status).toBe(200);
    const abort = new AbortController();
    onTestFinished(() => abort.abort());
    const watch = await fetch(`${registry.url}/v1/watch`, { signal: abort.signal });
    expect(watch.status).toBe(200);
    expect(watch.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const first = await watch.body!.getReader().read();
    expect(new TextDecoder().decode(first.value)).toContain('mail#1');
  });

  it('stays open when built without a guard (in-process tests of other parts)', async () => {
    const { call, instanceIds } = await start({});
    expect((await call('POST', '/v1/instances', undefined, profile1)).status).toBe(201);
    expect((await call('POST', '/v1/instances', undefined, mail1)).status).toBe(201);
    expect((await call('PUT', '/v1/instances/profile%231/heartbeat')).status).toBe(200);
    expect((await call('DELETE', '/v1/instances/mail%231')).status).toBe(204);
    expect(instanceIds()).toEqual(['profile#1']);
  });
});

// A lease also claims route prefixes, and the gateway sends each path to the longest prefix
// covering it: an instance that could claim another service's paths would receive its traffic
// (passwords at /auth/login) with nothing but its own registry.register token.
describe('guarded registry: an instance claims only its own service\'s route prefixes (CWE-639)', () => {
  const auth1: RegisterRequest = { ...testAuth1, routes: [{ prefix: '/auth', access: 'protected' }, { prefix: '/auth/login', access: 'public' }] };
  const authToken = () => testServiceHeaders('auth#1', 'registry', register);

  it.each(['/auth/login/verify', '/auth/me', '/profile/users', '/', '/mailbox', '/graphql'])('refuses mail#1 claiming %s with 403 REGISTRY_PREFIX_FORBIDDEN, the route table unchanged', async (prefix) => {
    const { call, instanceIds, registry } = await start();
    expect((await call('POST', '/v1/instances', authToken(), auth1)).status).toBe(201);
    const before = registry.app.store.catalog().routes;
    const refused = await call('POST', '/v1/instances', mailToken(), { ...mail1, routes: [...mail1.routes, { prefix, access: 'public' }] });
    expect(refused.status).toBe(403);
    expect(errorCode(refused)).toBe('REGISTRY_PREFIX_FORBIDDEN');
    expect(registry.app.store.catalog().routes).toEqual(before);
    expect(matchRoute(registry.app.store.catalog().routes, '/auth/login/verify')?.service).toBe('auth');
    expect(instanceIds()).toEqual(['auth#1']);
  });

  it("refuses mail#1 claiming /auth before auth registered, so auth's later registration is not locked out", async () => {
    const { call, instanceIds, registry } = await start();
    const refused = await call('POST', '/v1/instances', mailToken(), { ...mail1, routes: [{ prefix: '/auth', access: 'public' }] });
    expect(refused.status).toBe(403);
    expect(errorCode(refused)).toBe('REGISTRY_PREFIX_FORBIDDEN');
    expect(registry.app.store.catalog().routes).toEqual([]);
    expect((await call('POST', '/v1/instances', authToken(), auth1)).status).toBe(201);
    expect(instanceIds()).toEqual(['auth#1']);
  });

  it('lets each instance claim its own prefixes and those under them', async () => {
    const { call, registry } = await start();
    expect((await call('POST', '/v1/instances', authToken(), auth1)).status).toBe(201);
    const mail = { ...mail1, routes: [...mail1.routes, { prefix: '/mail/send', access: 'protected' as const }, { prefix: '/mail/internal', access: 'internal' as const }] };
    expect((await call('POST', '/v1/instances', mailToken(), mail)).status).toBe(201);
    expect(registry.app.store.catalog().routes.map((route) => `${route.service} ${route.prefix}`).sort()).toEqual([
      'auth /auth',
      'auth /auth/login',
      'mail /mail',
      'mail /mail/internal',
      'mail /mail/send',
    ]);
  });

  it('lets an unguarded registry take any prefix (in-process tests of other parts)', async () => {
    const { call } = await start({});
    expect((await call('POST', '/v1/instances', undefined, { ...mail1, routes: [{ prefix: '/anything', access: 'public' }] })).status).toBe(201);
  });
});

describe('mayClaimPrefix', () => {
  it.each([
    ['mail', '/mail', true],
    ['mail', '/mail/internal', true],
    ['mail', '/mailbox', false],
    ['mail', '/auth', false],
    ['mail', '/', false],
    ['graphql', '/graphql', true],
    ['auth', '/auth/.well-known', true],
  ] as const)('%s may claim %s: %s', (service, prefix, expected) => {
    expect(mayClaimPrefix(service, prefix)).toBe(expected);
  });
});

describe('mayHoldLease', () => {
  it.each([
    ['mail#1', 'mail#1', 'mail', true],
    ['mail#1', 'mail#1', undefined, true],
    ['mail#1', 'mail#2', 'mail', false],
    ['mail#1', 'mail#2', undefined, false],
    ['mail#1', 'profile#1', 'profile', false],
    ['mail#1', 'mail#1', 'auth', false],
    ['nginx-sync#1', 'nginx#1', 'lb', true],
    ['nginx-sync#1', 'nginx#1', undefined, true],
    ['nginx-sync#1', 'nginx#1', 'auth', false],
    ['nginx-sync#1', 'nginx#1', 'nginx', false],
    ['nginx-sync#1', 'mail#1', 'mail', false],
    ['nginx-sync#1', 'nginx-sync#1', 'lb', false],
    ['lb#1', 'nginx#1', 'lb', false],
    ['control', 'mail#1', 'mail', false],
    ['gateway#1', 'gateway#1', 'gateway', true],
  ] as const)('%s may hold the lease of %s as %s: %s', (clientId, instanceId, service, expected) => {
    expect(mayHoldLease({ clientId }, instanceId, service)).toBe(expected);
  });
});
