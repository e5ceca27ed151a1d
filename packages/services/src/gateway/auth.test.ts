import { Agent, request } from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RouteEntry } from '../contract/registry-api.js';
import { assertedIdentity, buildCatalog, closedPort, createFixedCatalog, errorCode, send, startEchoUpstream, startFakeAuth, startTestGateway, startTestServer, type EchoRecord, type TestInstance } from '#test-support/gateway.js';
import { closeAfterTest } from '#test-support/kit.js';

const routes: RouteEntry[] = [
  { prefix: '/auth', access: 'public', service: 'auth' },
  { prefix: '/auth/introspect', access: 'internal', service: 'auth' },
  { prefix: '/profile', access: 'protected', service: 'profile' },
];

async function setup(authInstances?: TestInstance[]) {
  const profile = await closeAfterTest(startEchoUpstream('profile#1', '127.0.5.1'));
  const auth = await closeAfterTest(startFakeAuth('auth#1', '127.0.3.1', { 'good-token': 'user-42' }));
  const catalog = createFixedCatalog(buildCatalog(routes, { profile: [profile], auth: authInstances ?? [auth] }));
  const gw = await closeAfterTest(startTestGateway({ catalog }));
  return { gw, profile, auth };
}

function authResults(gw: { spans(): { kind: string; attributes?: Readonly<Record<string, unknown>> }[] }): unknown[] {
  return gw.spans().flatMap((span) => (span.kind === 'server' ? [span.attributes?.authResult] : []));
}

describe('gateway auth (remote mode)', () => {
  it('asks auth to introspect the token and names its user to profile in a signed assertion, dropping a spoofed one', async () => {
    const { gw, profile, auth } = await setup();
    const answer = await send(gw.port, '/profile/me', { headers: { authorization: 'Bearer good-token', 'X-User-Id': 'admin', 'X-JWT-Assertion': 'forged.by.client' } });
    expect(answer.status).toBe(200);
    const seen = (answer.body as EchoRecord).headers;
    expect(seen['x-user-id']).toBeUndefined();
    expect(await assertedIdentity(seen, 'profile')).toMatchObject({ sub: 'user-42', aud: 'profile', tokenJti: 'j1', tokenExp: 4_000_000_000 });
    // Minted for profile alone: another service would refuse it.
    expect(await assertedIdentity(seen, 'mail')).toBeUndefined();
    expect(auth.requests).toHaveLength(1);
    expect(auth.requests[0]).toMatchObject({ method: 'POST', url: '/auth/introspect' });
    expect(JSON.parse(auth.requests[0]!.body)).toEqual({ token: 'good-token' });
    expect(profile.requests).toHaveLength(1);
    await expect.poll(() => authResults(gw).length === 1, { message: 'the server span' }).toBeTruthy();
    expect(authResults(gw)).toEqual(['active']);
  });

  it('lets public routes through without a token and without asking auth, dropping a spoofed identity', async () => {
    const { gw, auth } = await setup();
    const answer = await send(gw.port, '/auth/login', { method: 'POST', headers: { 'x-user-id': 'admin', 'x-jwt-assertion': 'forged.by.client' }, body: '{}' });
    expect(answer.status).toBe(200);
    expect((answer.body as EchoRecord).headers['x-user-id']).toBeUndefined();
    expect((answer.body as EchoRecord).headers['x-jwt-assertion']).toBeUndefined();
    expect(auth.requests.map((request) => request.url)).toEqual(['/auth/login']);
  });

  it('answers 401 GATEWAY_UNAUTHENTICATED with WWW-Authenticate for a missing or malformed token', async () => {
    const { gw, profile, auth } = await setup();
    for (const headers of [{}, { authorization: 'Basic dXNlcjpwdw==' }, { authorization: 'Bearer' }] as Record<string, string>[]) {
      const answer = await send(gw.port, '/profile/me', { headers });
      expect(answer.status).toBe(401);
      expect(errorCode(answer)).toBe('GATEWAY_UNAUTHENTICATED');
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    expect(profile.requests).toHaveLength(0);
    expect(auth.requests).toHaveLength(0);
  });

  it('answers 401 GATEWAY_TOKEN_INVALID for a token auth calls inactive', async () => {
    const { gw, profile } = await setup();
    const answer = await send(gw.port, '/profile/me', { headers: { authorization: 'Bearer revoked-token' } });
    expect(answer.status).toBe(401);
    expect(errorCode(answer)).toBe('GATEWAY_TOKEN_INVALID');
    expect(profile.requests).toHaveLength(0);
    await expect.poll(() => authResults(gw).length === 1, { message: 'the server span' }).toBeTruthy();
    expect(authResults(gw)).toEqual(['inactive']);
  });

  it('answers 503 GATEWAY_AUTH_UNAVAILABLE when no auth instance answers', async () => {
    const { gw, profile } = await setup([{ id: 'auth#9', host: '127.0.3.9', port: await closedPort('127.0.3.9') }]);
    const answer = await send(gw.port, '/profile/me', { headers: { authorization: 'Bearer good-token' } });
    expect(answer.status).toBe(503);
    expect(errorCode(answer)).toBe('GATEWAY_AUTH_UNAVAILABLE');
    expect(profile.requests).toHaveLength(0);
  });

  it('answers 503 GATEWAY_AUTH_UNAVAILABLE when auth is not registered at all or answers an error', async () => {
    const { gw } = await setup([]);
    expect(errorCode(await send(gw.port, '/profile/me', { headers: { authorization: 'Bearer good-token' } }))).toBe('GATEWAY_AUTH_UNAVAILABLE');
    const broken = await closeAfterTest(
      startTestServer('auth#2', '127.0.3.2', (_record, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"HTTP_INTERNAL"}}')),
    );
    const { gw: gw2 } = await setup([broken]);
    const answer = await send(gw2.port, '/profile/me', { headers: { authorization: 'Bearer good-token' } });
    expect(answer.status).toBe(503);
    expect(errorCode(answer)).toBe('GATEWAY_AUTH_UNAVAILABLE');
  });

  it('keeps a client connection usable after refusing a request with an unread body', async () => {
    const { gw } = await setup();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => agent.destroy());
    const call = (path: string, headers: Record<string, string>, body: string) =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: gw.port, path, method: 'POST', headers, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const body = JSON.stringify({ data: 'x'.repeat(50_000) });
    expect(await call('/profile/me', { 'content-type': 'application/json' }, body)).toEqual({ status: 401, reused: false });
    expect(await call('/profile/me', { authorization: 'Bearer good-token' }, body)).toEqual({ status: 200, reused: true });
    expect(await call('/auth/login', {}, body)).toEqual({ status: 200, reused: true });
  });
});
