import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { forgeTokens } from '#test-support/kit-token-cache.js';
import { startTestSidecar, type TestSidecarOptions } from '#test-support/sidecar.js';
import { hashToken } from '../kit/token-cache/token-facts.js';
import { closeAfterTest } from '#test-support/kit.js';
import { withPayload } from '#test-support/gateway-auth.js';

function setup(options: TestSidecarOptions = {}) {
  return closeAfterTest(startTestSidecar(options));
}

const keyOf = (token: string) => `token:${decodeJwt(token).jti as string}`;

describe('sidecar POST /check', () => {
  it('answers from the global cache, then from its own cache, without asking auth', async () => {
    const s = await setup();
    const { accessToken, userId } = await s.login();
    const { exp, jti } = decodeJwt(accessToken);
    expect(await s.check(accessToken)).toEqual({ status: 200, body: { active: true, sub: userId, username: 'alice', jti, exp, source: 'cache' } });
    expect(await s.check(accessToken)).toEqual({ status: 200, body: { active: true, sub: userId, username: 'alice', jti, exp, source: 'local' } });
    expect(s.auth.cache.reads).toBe(1);
    expect(s.calls('/auth/introspect')).toBe(0);
  });

  it('fills a miss from auth into both caches', async () => {
    const s = await setup();
    const { accessToken, userId } = await s.login();
    await s.auth.cache.delete(keyOf(accessToken));
    expect((await s.check(accessToken)).body).toMatchObject({ active: true, sub: userId, source: 'auth' });
    await expect.poll(() => s.auth.cache.peek(keyOf(accessToken))).toMatchObject({ active: true, sub: userId });
    expect((await s.check(accessToken)).body).toMatchObject({ active: true, source: 'local' });
    expect(s.calls('/auth/introspect')).toBe(1);
  });

  it('refuses tampered, expired and malformed tokens', async () => {
    const s = await setup();
    const { accessToken } = await s.login();
    const tampered = withPayload(accessToken, { sub: 'someone-else' });
    for (const bad of [tampered, 'not-a-jwt']) expect((await s.check(bad)).body).toMatchObject({ active: false });
    s.auth.clock.advance(601_000);
    expect((await s.check(accessToken)).body).toMatchObject({ active: false });
  });

  // Issue 23 item 2: the cache answers revocation, never authenticity.
  it('refuses a forged token that copies a live token\'s jti and sub by its signature, before any cache, and accepts the real one', async () => {
    const s = await setup();
    const { accessToken, userId } = await s.login();
    const reads = s.auth.cache.reads;
    for (const forged of forgeTokens(accessToken)) {
      expect(await s.check(forged)).toEqual({ status: 200, body: { active: false, source: 'signature' } });
    }
    expect(s.auth.cache.reads).toBe(reads);
    expect(s.calls('/auth/introspect')).toBe(0);
    expect((await s.check(accessToken)).body).toMatchObject({ active: true, sub: userId, source: 'cache' });
    // Its own verdict on the real token does not vouch for a forgery either.
    for (const forged of forgeTokens(accessToken)) expect((await s.check(forged)).body).toEqual({ active: false, source: 'signature' });
  });

  it('accepts no garbage-signed token whatever the global cache holds for it', async () => {
    const s = await setup();
    const { accessToken, userId } = await s.login();
    const [header, payload] = accessToken.split('.');
    const garbage = `${header}.${payload}.${Buffer.from('garbage'.repeat(9)).toString('base64url')}`;
    const { jti, exp } = decodeJwt(accessToken);
    await s.auth.cache.set(`token:${jti as string}`, { active: true, sub: userId, username: 'alice', exp, tokenHash: hashToken(garbage) }, 60_000);
    expect(await s.check(garbage)).toEqual({ status: 200, body: { active: false, source: 'signature' } });
    expect(s.calls('/auth/introspect')).toBe(0);
  });

  it('never lets auth\'s refill of the global cache after its miss undo a logout written while it introspected', async () => {
    let logoutDuringIntrospection: (() => Promise<void>) | undefined;
    const s = await setup({
      wrapIntrospection: (real) => ({
        async introspect(token, trace) {
          const facts = await real.introspect(token, trace);
          await logoutDuringIntrospection?.();
          return facts;
        },
      }),
    });
    const { accessToken } = await s.login();
    await s.auth.cache.delete(keyOf(accessToken));
    // The revocation message is lost to this sidecar, so only the global cache can tell other readers.
    s.auth.bus.down();
    logoutDuringIntrospection = () => s.logout(accessToken);
    expect((await s.check(accessToken)).body).toMatchObject({ active: true, source: 'auth' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.auth.cache.peek(keyOf(accessToken))).toEqual({ active: false, exp: decodeJwt(accessToken).exp });
  });

  it('refuses a cached token as soon as its revocation arrives on the bus', async () => {
    const s = await setup();
    const { accessToken } = await s.login();
    expect((await s.check(accessToken)).body).toMatchObject({ active: true });
    expect((await s.check(accessToken)).body).toMatchObject({ source: 'local' });
    await s.logout(accessToken);
    expect((await s.check(accessToken)).body).toEqual({ active: false, source: 'local' });
  });

  it('while the bus is down accepts a revoked token no longer than the fallback TTL', async () => {
    const s = await setup();
    const { accessToken } = await s.login();
    expect((await s.check(accessToken)).body).toMatchObject({ active: true });
    s.auth.bus.down('bus#1 is unreachable');
    expect(s.events()).toEqual(['sidecar.bus.degraded']);
    await s.logout(accessToken);
    s.auth.clock.advance(999);
    expect((await s.check(accessToken)).body).toMatchObject({ active: true, source: 'local' });
    s.auth.clock.advance(1);
    expect((await s.check(accessToken)).body).toEqual({ active: false, source: 'auth' });
    s.auth.bus.up();
    expect(s.events()).toEqual(['sidecar.bus.degraded', 'sidecar.bus.restored']);
  });

  it('stays correct when the global cache is down, and reports it once', async () => {
    const s = await setup();
    const { accessToken, userId } = await s.login();
    const other = await s.login();
    s.auth.cache.failing = true;
    expect((await s.check(accessToken)).body).toMatchObject({ active: true, sub: userId, source: 'auth' });
    await s.logout(other.accessToken);
    expect((await s.check(other.accessToken)).body).toMatchObject({ active: false });
    expect(s.events()).toEqual(['sidecar.cache.degraded']);
  });

  it('answers 503 SIDECAR_AUTH_UNAVAILABLE when a verdict needs auth and auth is gone', async () => {
    const s = await setup();
    const { accessToken } = await s.login();
    await s.auth.cache.delete(keyOf(accessToken));
    s.catalog.set({ ...s.catalog.current!, services: { auth: [] } });
    const answer = await s.check(accessToken);
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('SIDECAR_AUTH_UNAVAILABLE');
  });

  it('refuses a body without a token with 400', async () => {
    const s = await setup();
    const res = await fetch(`${s.url}/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
  });

  it('is not ready on GET /health (503 SIDECAR_NOT_READY) until started, then reports whether revocations reach it', async () => {
    const s = await setup({ start: false });
    const health = async () => {
      const res = await fetch(`${s.url}/health`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    // Listening is not ready: a Compose health check passed here let the gateway send checks it could not answer.
    expect(await health()).toMatchObject({ status: 503, body: { error: { code: 'SIDECAR_NOT_READY' } } });
    s.app.start();
    expect((await health()).status).toBe(200);
    await expect.poll(async () => (await health()).body).toMatchObject({ status: 'ok', revocations: 'live' });
  });

  it('never puts a token in a log, event or span', async () => {
    const s = await setup();
    const { accessToken } = await s.login();
    await s.auth.cache.delete(keyOf(accessToken));
    await s.check(accessToken);
    s.auth.cache.failing = true;
    await s.check('not-a-jwt');
    await s.logout(accessToken);
    await s.check(accessToken);
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.recorded.spans().length).toBeGreaterThan(0);
    const everything = JSON.stringify([s.recorded.messages, s.auth.recorded.messages]);
    expect(everything).not.toContain(accessToken);
    expect(everything).not.toContain(accessToken.split('.')[2]);
  });
});
