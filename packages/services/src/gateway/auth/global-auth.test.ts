import { decodeJwt } from 'jose';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createIntrospection } from '../../kit/token-cache/introspection.js';
import { forgeTokens } from '../../kit/token-cache/testing.js';
import { hashToken } from '../../kit/token-cache/token-facts.js';
import { createGlobalAuth } from './global-auth.js';
import { startAuthModeFixture, testTrace } from './testing.js';

async function setup() {
  const fixture = await startAuthModeFixture({ env: { TOPOLAB_AUTH_CACHE_TTL_MS: '60000' } });
  onTestFinished(() => fixture.close());
  return fixture;
}

const keyOf = (token: string) => `token:${decodeJwt(token).jti as string}`;

function withPayload(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')), ...change };
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
}

describe('global auth mode', () => {
  it('accepts a token from the state auth wrote at login, without asking auth', async () => {
    const f = await setup();
    const mode = f.mode('global');
    const { accessToken, userId } = await f.login();
    expect(await mode.check(accessToken, testTrace())).toEqual({ active: true, userId, origin: { cache: 'hit', authSource: 'cache' } });
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

  it('refuses a token whose claims disagree with the entry auth wrote, an expired one and garbage', async () => {
    const f = await setup();
    const mode = f.mode('global');
    const { accessToken } = await f.login();
    expect(await mode.check(withPayload(accessToken, { sub: 'someone-else' }), testTrace())).toMatchObject({ active: false, origin: { authSource: 'cache' } });
    expect(await mode.check(withPayload(accessToken, { exp: 4_000_000_000 }), testTrace())).toMatchObject({ active: false });
    expect(await mode.check('not-a-jwt', testTrace())).toMatchObject({ active: false });
    f.clock.advance(601_000);
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: false });
  });

  it('refuses a forged token that copies a live token\'s jti and sub, counts it as forged, and accepts the real one', async () => {
    const f = await setup();
    const mode = f.mode('global');
    const { accessToken, userId } = await f.login();
    for (const forged of forgeTokens(accessToken)) {
      expect(await mode.check(forged, testTrace())).toEqual({ active: false, origin: { cache: 'hit', authSource: 'cache', forged: true } });
    }
    // Refused from the cache entry: a forgery is never handed to auth as if it were a miss.
    expect(f.calls('/auth/introspect')).toBe(0);
    expect(await mode.check(accessToken, testTrace())).toEqual({ active: true, userId, origin: { cache: 'hit', authSource: 'cache' } });
  });

  it('on a miss asks auth and fills the cache for the next request', async () => {
    const f = await setup();
    const mode = f.mode('global');
    const { accessToken, userId } = await f.login();
    await f.cache.delete(keyOf(accessToken));
    expect(await mode.check(accessToken, testTrace())).toEqual({ active: true, userId, origin: { cache: 'miss', authSource: 'auth' } });
    await expect.poll(() => f.cache.peek(keyOf(accessToken))).toMatchObject({ active: true, sub: userId, tokenHash: hashToken(accessToken) });
    // Auth writes the absent state back as it answers (a conditional write); the gateway's own fill then finds it there.
    expect(f.cache.writes.at(-1)).toMatchObject({ key: keyOf(accessToken), ifAbsent: true });
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ origin: { cache: 'hit', authSource: 'cache' } });
    expect(f.calls('/auth/introspect')).toBe(1);
    // A forged token is only introspected, never written: its jti cannot be trusted.
    const writes = f.cache.writes.length;
    expect(await mode.check(withPayload(accessToken, { jti: 'someone-elses-jti' }), testTrace())).toMatchObject({ active: false, origin: { authSource: 'auth' } });
    expect(f.cache.writes).toHaveLength(writes);
  });

  it('never lets a fill undo a logout that auth wrote while the gateway was introspecting', async () => {
    const f = await setup();
    const { accessToken } = await f.login();
    await f.cache.delete(keyOf(accessToken));
    const real = createIntrospection({ caller: f.deps.caller });
    // Auth answers "active"; the holder logs out before the gateway writes that answer back.
    const introspect: typeof real.introspect = async (token, trace) => {
      const facts = await real.introspect(token, trace);
      await f.logout(accessToken);
      return facts;
    };
    const mode = createGlobalAuth({ cache: f.cache, introspection: { introspect }, telemetry: f.recorded.telemetry, fillTtlMs: 60_000, clock: f.clock.now });
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
    expect(await mode.check(accessToken, testTrace())).toEqual({ active: true, userId, origin: { cache: 'miss', authSource: 'auth' } });
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
