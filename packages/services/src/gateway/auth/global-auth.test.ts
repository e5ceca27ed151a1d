import { decodeJwt } from 'jose';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createIntrospection } from '../../kit/token-cache/introspection.js';
import { forgeTokens } from '#test-support/kit-token-cache.js';
import { hashToken } from '../../kit/token-cache/token-facts.js';
import { createGlobalAuth } from './global-auth.js';
import { startAuthModeFixture, testTrace, withPayload } from '#test-support/gateway-auth.js';
import { closeAfterTest } from '#test-support/kit.js';

function setup() {
  return closeAfterTest(startAuthModeFixture({ env: { TOPOLAB_AUTH_CACHE_TTL_MS: '60000' } }));
}

const keyOf = (token: string) => `token:${decodeJwt(token).jti as string}`;

describe('global auth mode', () => {
  it('accepts a token from the state auth wrote at login, without asking auth', async () => {
    const f = await setup();
    const mode = f.mode('global');
    const { accessToken, userId } = await f.login();
    expect(await mode.check(accessToken, testTrace())).toEqual({ active: true, userId, token: expect.objectContaining({ jti: expect.any(String) }), origin: { cache: 'hit', authSource: 'cache' } });
    expect(f.calls('/auth/introspect')).toBe(0);
  });

  it('refuses a token at once after auth wrote active:false at logout', async () => {
    const f = await setup();
    const mode = f.mode('global');
    const { accessToken } = await f.login();
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: true });
    await f.logout(accessToken);
    expect(await mode.check(accessToken, testTrace())).toEqual({ active: false, origin: { cache: 'hit', authSource: 'cache' } });
    expect(f.calls('/auth/introspect')).toBe(0);
  });

  it('refuses a token whose signed claims were changed, an expired one and garbage, before asking the cache', async () => {
    const f = await setup();
    const mode = f.mode('global');
    const { accessToken } = await f.login();
    const reads = f.cache.reads;
    expect(await mode.check(withPayload(accessToken, { sub: 'someone-else' }), testTrace())).toEqual({ active: false, origin: { authSource: 'local' } });
    expect(await mode.check(withPayload(accessToken, { exp: 4_000_000_000 }), testTrace())).toEqual({ active: false, origin: { authSource: 'local' } });
    expect(await mode.check('not-a-jwt', testTrace())).toEqual({ active: false, origin: { authSource: 'local' } });
    expect(f.cache.reads).toBe(reads);
    f.clock.advance(601_000);
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: false });
  });

  // Issue 23 item 2: the cache answers revocation, never authenticity.
  it('refuses a forged token copying a live jti and sub (alg none, made-up signature) by its signature, without reading the cache or asking auth', async () => {
    const f = await setup();
    const mode = f.mode('global');
    const { accessToken, userId } = await f.login();
    const reads = f.cache.reads;
    for (const forged of forgeTokens(accessToken)) {
      expect(await mode.check(forged, testTrace())).toEqual({ active: false, origin: { authSource: 'local' } });
    }
    expect(f.cache.reads).toBe(reads);
    expect(f.calls('/auth/introspect')).toBe(0);
    expect(await mode.check(accessToken, testTrace())).toEqual({ active: true, userId, token: expect.objectContaining({ jti: expect.any(String) }), origin: { cache: 'hit', authSource: 'cache' } });
  });

  it('accepts no garbage-signed token whatever the cache holds for it: a planted active entry with its hash admits nothing', async () => {
    const f = await setup();
    const mode = f.mode('global');
    const { accessToken, userId } = await f.login();
    const [, payload] = accessToken.split('.');
    const garbage = `${Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt' })).toString('base64url')}.${payload}.${Buffer.from('garbage'.repeat(9)).toString('base64url')}`;
    const jti = decodeJwt(accessToken).jti as string;
    await f.cache.set(`token:${jti}`, { active: true, sub: userId, username: 'alice', exp: decodeJwt(accessToken).exp, tokenHash: hashToken(garbage) }, 60_000);
    expect(await mode.check(garbage, testTrace())).toEqual({ active: false, origin: { authSource: 'local' } });
    expect(f.calls('/auth/introspect')).toBe(0);
  });

  it('takes the user from the signed token, never from the cache entry', async () => {
    const f = await setup();
    const mode = f.mode('global');
    const { accessToken, userId } = await f.login();
    const jti = decodeJwt(accessToken).jti as string;
    await f.cache.set(`token:${jti}`, { active: true, sub: 'the-victim', username: 'victim', exp: decodeJwt(accessToken).exp, tokenHash: hashToken(accessToken) }, 60_000);
    expect(await mode.check(accessToken, testTrace())).toEqual({ active: false, origin: { cache: 'hit', authSource: 'cache', forged: true } });
    await f.cache.delete(`token:${jti}`);
    expect(await mode.check(accessToken, testTrace())).toEqual({ active: true, userId, token: expect.objectContaining({ jti: expect.any(String) }), origin: { cache: 'miss', authSource: 'auth' } });
  });

  it('on a miss asks auth, tells it of the miss, and auth (the only writer) writes the state back for the next request', async () => {
    const f = await setup();
    const mode = f.mode('global');
    const { accessToken, userId } = await f.login();
    await f.cache.delete(keyOf(accessToken));
    const writes = f.cache.writes.length;
    expect(await mode.check(accessToken, testTrace())).toEqual({ active: true, userId, token: expect.objectContaining({ jti: expect.any(String) }), origin: { cache: 'miss', authSource: 'auth' } });
    await expect.poll(() => f.cache.peek(keyOf(accessToken))).toMatchObject({ active: true, sub: userId, tokenHash: hashToken(accessToken) });
    // Written by auth, conditionally (a logout meanwhile wins), until the token expires.
    expect(f.cache.writes.slice(writes)).toHaveLength(1);
    expect(f.cache.writes.at(-1)).toMatchObject({ ifAbsent: true });
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ origin: { cache: 'hit', authSource: 'cache' } });
    expect(f.calls('/auth/introspect')).toBe(1);
  });

  it('never lets a refill undo a logout that happened while the gateway was introspecting', async () => {
    const f = await setup();
    const { accessToken } = await f.login();
    await f.cache.delete(keyOf(accessToken));
    const real = createIntrospection({ caller: f.deps.caller, afterCacheMiss: true });
    // Auth answers "active" (and refills); the holder logs out before the gateway's next look.
    const introspect: typeof real.introspect = async (token, trace) => {
      const facts = await real.introspect(token, trace);
      await f.logout(accessToken);
      return facts;
    };
    const mode = createGlobalAuth({ verifier: f.verifier(), cache: f.cache, introspection: { introspect }, telemetry: f.recorded.telemetry, clock: f.clock.now });
    onTestFinished(() => mode.close());
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: true, origin: { authSource: 'auth' } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(f.cache.peek(keyOf(accessToken))).toEqual({ active: false, exp: decodeJwt(accessToken).exp });
    expect(await mode.check(accessToken, testTrace())).toEqual({ active: false, origin: { cache: 'hit', authSource: 'cache' } });
  });

  it('falls back to introspection while the cache is down, stays correct and reports it once', async () => {
    const f = await setup();
    const mode = f.mode('global');
    const { accessToken, userId } = await f.login();
    const other = await f.login();
    f.cache.failing = true;
    expect(await mode.check(accessToken, testTrace())).toEqual({ active: true, userId, token: expect.objectContaining({ jti: expect.any(String) }), origin: { cache: 'miss', authSource: 'auth' } });
    // Auth could not write active:false either: only introspection knows of this logout.
    await f.logout(other.accessToken);
    expect(await mode.check(other.accessToken, testTrace())).toMatchObject({ active: false, origin: { authSource: 'auth' } });
    expect(f.events()).toEqual(['gateway.auth.degraded']);
    expect(f.recorded.events()[0]!.data).toMatchObject({ mode: 'global' });
    f.cache.failing = false;
    f.clock.advance(1000);
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: true });
    expect(f.events()).toEqual(['gateway.auth.degraded', 'gateway.auth.restored']);
  });

  it('answers GATEWAY_AUTH_UNAVAILABLE when neither the cache nor auth can tell', async () => {
    const f = await setup();
    const mode = f.mode('global');
    const { accessToken } = await f.login();
    f.cache.failing = true;
    f.catalog.set({ ...f.catalog.current!, services: { auth: [] } });
    await expect(mode.check(accessToken, testTrace())).rejects.toMatchObject({ code: 'GATEWAY_AUTH_UNAVAILABLE', status: 503 });
  });
});
