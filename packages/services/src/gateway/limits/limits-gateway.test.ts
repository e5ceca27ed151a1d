import { describe, expect, it } from 'vitest';
import type { RouteEntry } from '../../contract/registry-api.js';
import { buildCatalog, createFixedCatalog, errorCode, send, startEchoUpstream, startFakeAuth, startTestGateway, type TestGateway } from '#test-support/gateway.js';
import { createLimits } from './limits.js';
import { defaultLimitSettings, type LimitSettings } from './settings.js';
import { closeAfterTest } from '#test-support/kit.js';

const routes: RouteEntry[] = [
  { prefix: '/auth', access: 'public', service: 'auth' },
  { prefix: '/profile', access: 'protected', service: 'profile' },
];
const bearer = { authorization: 'Bearer good-token' };

async function setup(settings: Partial<LimitSettings>) {
  let now = 0;
  const limits = createLimits({ ...defaultLimitSettings, ...settings }, () => now);
  const profile = await closeAfterTest(startEchoUpstream('profile#1', '127.0.5.1'));
  const auth = await closeAfterTest(startFakeAuth('auth#1', '127.0.3.1', { 'good-token': 'user-42' }));
  const catalog = createFixedCatalog(buildCatalog(routes, { profile: [profile], auth: [auth] }));
  const gw = await closeAfterTest(startTestGateway({ catalog, limits }));
  return { gw, limits, profile, advance: (ms: number) => void (now += ms) };
}

function serverSpans(gw: TestGateway) {
  return gw.spans().filter((span) => span.kind === 'server');
}

function eventNames(gw: TestGateway): string[] {
  return gw.events().map((event) => event.name);
}

describe('gateway limits', () => {
  it('answers 429 GATEWAY_RATE_LIMITED with Retry-After once a client address spends its burst', async () => {
    const { gw, profile, advance } = await setup({ rateLimitRps: 1, rateLimitBurst: 3 });
    for (let i = 0; i < 3; i++) expect((await send(gw.port, '/auth/login', { method: 'POST' })).status).toBe(200);
    const refused = await send(gw.port, '/auth/login', { method: 'POST' });
    expect(refused.status).toBe(429);
    expect(errorCode(refused)).toBe('GATEWAY_RATE_LIMITED');
    expect(refused.headers['retry-after']).toBe('1');
    // Another address has its own bucket.
    expect((await send(gw.port, '/auth/login', { method: 'POST', localAddress: '127.0.0.2' })).status).toBe(200);
    advance(1000);
    expect((await send(gw.port, '/auth/login', { method: 'POST' })).status).toBe(200);
    await expect.poll(() => serverSpans(gw).length === 6, { message: 'six server spans' }).toBeTruthy();
    expect(serverSpans(gw)[3]).toMatchObject({ status: 429, attributes: { rateLimited: true, rateLimitScope: 'client', error: 'GATEWAY_RATE_LIMITED' } });
    expect(serverSpans(gw)[0]?.attributes).not.toHaveProperty('rateLimited');
    expect(profile.requests).toHaveLength(0);
  });

  it('limits a user across client addresses', async () => {
    const { gw, profile, limits } = await setup({ rateLimitRps: 1, rateLimitBurst: 4 });
    for (const localAddress of ['127.0.0.2', '127.0.0.2', '127.0.0.3', '127.0.0.3']) {
      expect((await send(gw.port, '/profile/me', { headers: bearer, localAddress })).status).toBe(200);
    }
    const refused = await send(gw.port, '/profile/me', { headers: bearer, localAddress: '127.0.0.3' });
    expect(refused.status).toBe(429);
    expect(errorCode(refused)).toBe('GATEWAY_RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The address itself still has a token: only the user is limited.
    expect((await send(gw.port, '/auth/login', { method: 'POST', localAddress: '127.0.0.3' })).status).toBe(200);
    expect(profile.requests).toHaveLength(4);
    expect(limits.snapshot()).toMatchObject({ trackedClients: 2, trackedUsers: 1 });
    await expect.poll(() => serverSpans(gw).some((span) => span.attributes?.rateLimitScope === 'user'), { message: 'the refused span' }).toBeTruthy();
  });

  it('blocks a client address with 403 after repeated 401s, before any other work, then lets it back', async () => {
    const { gw, limits, advance } = await setup({ blacklistThreshold: 3, blacklistBlockMs: 30_000 });
    for (let i = 0; i < 3; i++) expect((await send(gw.port, '/profile/me', { localAddress: '127.0.0.2' })).status).toBe(401);
    await expect.poll(() => limits.snapshot().blockedClients === 1, { message: 'the block' }).toBeTruthy();
    const blocked = await send(gw.port, '/auth/login', { method: 'POST', localAddress: '127.0.0.2' });
    expect(blocked.status).toBe(403);
    expect(errorCode(blocked)).toBe('GATEWAY_CLIENT_BLOCKED');
    expect(blocked.headers['retry-after']).toBe('30');
    expect(blocked.headers['x-request-id']).toEqual(expect.any(String));
    // Even a path the gateway would reject is not looked at.
    expect(errorCode(await send(gw.port, '/nowhere', { localAddress: '127.0.0.2' }))).toBe('GATEWAY_CLIENT_BLOCKED');
    expect((await send(gw.port, '/profile/me', { localAddress: '127.0.0.3' })).status).toBe(401);
    const blockedEvent = gw.events().find((event) => event.name === 'gateway.client.blocked');
    expect(blockedEvent?.data).toEqual({ client: '127.0.0.2', until: expect.any(Number) });
    await expect.poll(() => serverSpans(gw).filter((span) => span.attributes?.blocked === true).length === 2, { message: 'the blocked spans' }).toBeTruthy();

    advance(29_999);
    expect((await send(gw.port, '/auth/login', { method: 'POST', localAddress: '127.0.0.2' })).status).toBe(403);
    advance(1);
    expect((await send(gw.port, '/auth/login', { method: 'POST', localAddress: '127.0.0.2' })).status).toBe(200);
    expect(eventNames(gw)).toEqual(['gateway.client.blocked', 'gateway.client.unblocked']);
    expect(gw.events()[1]?.data).toEqual({ client: '127.0.0.2' });
  });

  it('blocks a client that keeps going past its rate limit', async () => {
    const { gw, limits } = await setup({ rateLimitRps: 1, rateLimitBurst: 1, blacklistThreshold: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await send(gw.port, '/auth/login', { method: 'POST', localAddress: '127.0.0.4' })).status);
      await expect.poll(() => limits.snapshot().watchedClients === (i === 0 ? 0 : 1), { message: 'the strike' }).toBeTruthy();
    }
    expect(statuses).toEqual([200, 429, 429, 429, 429, 429]);
    expect((await send(gw.port, '/auth/login', { method: 'POST', localAddress: '127.0.0.4' })).status).toBe(403);
  });
});

