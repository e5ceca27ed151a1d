import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { startAuthModeFixture, testTrace, withPayload, type AuthModeFixtureOptions } from '#test-support/gateway-auth.js';
import { closeAfterTest } from '#test-support/kit.js';

function setup(options: AuthModeFixtureOptions = {}) {
  return closeAfterTest(startAuthModeFixture({ env: { TOPOLAB_AUTH_FALLBACK_TTL_MS: '1000', TOPOLAB_AUTH_CACHE_TTL_MS: '60000' }, ...options }));
}

const flipLast = (token: string) => token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);

describe('local auth mode', () => {
  it('verifies a token itself against the JWKS, then answers from its cache', async () => {
    const f = await setup();
    const mode = f.mode('local');
    const { accessToken, userId } = await f.login();
    expect(await mode.check(accessToken, testTrace())).toEqual({ active: true, userId, token: expect.objectContaining({ jti: expect.any(String) }), origin: { cache: 'miss', authSource: 'local' } });
    expect(await mode.check(accessToken, testTrace())).toEqual({ active: true, userId, token: expect.objectContaining({ jti: expect.any(String) }), origin: { cache: 'hit', authSource: 'local' } });
    expect(f.calls('/auth/.well-known/jwks.json')).toBe(1);
    expect(f.calls('/auth/introspect')).toBe(0);
  });

  it('refuses a tampered, forged, expired or malformed token', async () => {
    const f = await setup();
    const mode = f.mode('local');
    const { accessToken } = await f.login();
    const { privateKey } = await generateKeyPair('EdDSA');
    const forged = await new SignJWT({ ...decodeJwt(accessToken) }).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'foreign' }).sign(privateKey);
    for (const bad of [flipLast(accessToken), withPayload(accessToken, { sub: 'someone-else' }), 'not-a-jwt']) {
      expect(await mode.check(bad, testTrace())).toMatchObject({ active: false });
    }
    expect(f.calls('/auth/.well-known/jwks.json')).toBe(1);
    // An unknown kid fetches the key set once more, but not again within a second.
    f.clock.advance(1000);
    expect(await mode.check(forged, testTrace())).toMatchObject({ active: false });
    expect(await mode.check(forged, testTrace())).toMatchObject({ active: false });
    expect(f.calls('/auth/.well-known/jwks.json')).toBe(2);
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: true });
    f.clock.advance(601_000);
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: false });
    expect(f.calls('/auth/introspect')).toBe(0);
  });

  it('refuses a cached token as soon as its revocation arrives on the bus', async () => {
    const f = await setup();
    const mode = f.mode('local');
    const { accessToken } = await f.login();
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: true });
    await f.logout(accessToken);
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: false });
    expect(f.calls('/auth/introspect')).toBe(0);
  });

  it('asks auth once about a token issued before it followed the bus, which may have been revoked unseen', async () => {
    const f = await setup();
    const early = await f.login();
    const revoked = await f.login();
    await f.logout(revoked.accessToken);
    const mode = f.mode('local');
    await Promise.resolve();
    expect(await mode.check(revoked.accessToken, testTrace())).toEqual({ active: false, origin: { cache: 'miss', authSource: 'auth' } });
    expect(await mode.check(early.accessToken, testTrace())).toMatchObject({ active: true, origin: { cache: 'miss', authSource: 'auth' } });
    expect(await mode.check(early.accessToken, testTrace())).toMatchObject({ active: true, origin: { cache: 'hit', authSource: 'local' } });
    expect(f.calls('/auth/introspect')).toBe(2);
  });

  it('while the bus is down accepts a revoked token no longer than the fallback TTL, and reports it', async () => {
    const f = await setup();
    const mode = f.mode('local');
    const { accessToken } = await f.login();
    await Promise.resolve();
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: true, origin: { authSource: 'local' } });
    f.bus.down('bus#1 is unreachable');
    await f.logout(accessToken);
    // The revocation was published while the bus was down: it never arrives.
    f.clock.advance(999);
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: true, origin: { cache: 'hit' } });
    f.clock.advance(1);
    expect(await mode.check(accessToken, testTrace())).toEqual({ active: false, origin: { cache: 'miss', authSource: 'auth' } });
    expect(f.events()).toEqual(['gateway.auth.degraded']);
    expect(f.recorded.events()[0]!.data).toEqual({ mode: 'local', reason: 'bus#1 is unreachable' });

    // A fresh token is checked with auth and cached only for the fallback TTL meanwhile.
    const fresh = await f.login();
    expect(await mode.check(fresh.accessToken, testTrace())).toMatchObject({ active: true, origin: { cache: 'miss', authSource: 'auth' } });
    expect(await mode.check(fresh.accessToken, testTrace())).toMatchObject({ active: true, origin: { cache: 'hit' } });
    f.clock.advance(1000);
    expect(await mode.check(fresh.accessToken, testTrace())).toMatchObject({ active: true, origin: { cache: 'miss', authSource: 'auth' } });

    f.bus.up();
    expect(f.events()).toEqual(['gateway.auth.degraded', 'gateway.auth.restored']);
  });

  it('forgets its verdicts when revocations were lost', async () => {
    const f = await setup();
    const mode = f.mode('local');
    const { accessToken } = await f.login();
    await Promise.resolve();
    await mode.check(accessToken, testTrace());
    f.bus.lose();
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: true, origin: { cache: 'miss', authSource: 'auth' } });
    f.clock.advance(5000);
    f.bus.up();
    // Issued before the stream restarted: auth is asked again once the fallback-TTL verdict is gone.
    f.clock.advance(1000);
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: true, origin: { authSource: 'auth' } });
    expect(f.events()).toEqual(['gateway.auth.degraded', 'gateway.auth.restored']);
  });

  it('answers GATEWAY_AUTH_UNAVAILABLE when the key set cannot be fetched', async () => {
    const f = await setup();
    const mode = f.mode('local');
    const { accessToken } = await f.login();
    f.catalog.set({ ...f.catalog.current!, services: { auth: [] } });
    await expect(mode.check(accessToken, testTrace())).rejects.toMatchObject({ code: 'GATEWAY_AUTH_UNAVAILABLE', status: 503 });
  });
});
