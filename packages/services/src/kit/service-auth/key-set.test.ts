import { SignJWT, exportJWK, generateKeyPair, type JWK, type JSONWebKeySet } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import type { CallResult } from '../http/client.js';
import type { ServiceCaller } from '../discovery/service-caller.js';
import { createAuthKeySet } from './key-set.js';

const now = 1_700_000_000_000;
const nowS = now / 1000;

async function authKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  const sign = (claims: Record<string, unknown> = {}, typ = 'at+jwt') =>
    new SignJWT({ iss: 'topolab-auth', aud: 'registry', sub: 'mail#1', iat: nowS, exp: nowS + 300, ...claims }).setProtectedHeader({ alg: 'EdDSA', typ, kid }).sign(privateKey);
  return { jwk, sign };
}

class KeysUnavailable extends Error {
  readonly code = 'TEST_KEYS_UNAVAILABLE';
}
const unavailable = (options: { message?: string; cause?: unknown }) => new KeysUnavailable(options.message ?? 'unavailable', { cause: options.cause });
const checks = { algorithms: ['EdDSA'], typ: 'at+jwt', issuer: 'topolab-auth', audience: 'registry' };

/** A caller that answers auth's JWKS with `jwks()` and counts the requests. */
function jwksCaller(jwks: () => JSONWebKeySet, status = 200) {
  const call = vi.fn(async () => ({ status, headers: {}, body: jwks() }) as CallResult<never>);
  return { caller: { call } as unknown as ServiceCaller, call };
}

describe('auth key set (RFC 7517 JWKS, RFC 9068)', () => {
  it('verifies with the keys handed over at start, with no caller and no request', async () => {
    const current = await authKey('k1');
    const keySet = createAuthKeySet({ keys: { keys: [current.jwk] }, unavailable, clock: () => now });
    expect(await keySet.verify(await current.sign(), checks)).toMatchObject({ sub: 'mail#1', aud: 'registry' });
    // The checks asked for apply: another audience, another typ, expired.
    expect(await keySet.verify(await current.sign({ aud: 'bus' }), checks)).toBeUndefined();
    expect(await keySet.verify(await current.sign({}, 'JWT'), checks)).toBeUndefined();
    expect(await keySet.verify(await current.sign({ exp: nowS - 1 }), checks)).toBeUndefined();
  });

  it('answers undefined (does not throw) for an unknown kid when it has no caller to ask', async () => {
    const current = await authKey('k1');
    const stranger = await authKey('k2');
    const keySet = createAuthKeySet({ keys: { keys: [current.jwk] }, unavailable, clock: () => now });
    expect(await keySet.verify(await stranger.sign(), checks)).toBeUndefined();
  });

  it('refuses a token signed by another key under a known kid (CWE-345)', async () => {
    const current = await authKey('k1');
    const impostor = await authKey('k1');
    const { caller, call } = jwksCaller(() => ({ keys: [current.jwk] }));
    const keySet = createAuthKeySet({ keys: { keys: [current.jwk] }, caller, unavailable, clock: () => now });
    expect(await keySet.verify(await impostor.sign(), checks)).toBeUndefined();
    expect(call).not.toHaveBeenCalled();
  });

  it('with keys and a caller, fetches auth\'s JWKS once for an unknown kid and verifies with the new key', async () => {
    const current = await authKey('k1');
    const rotated = await authKey('k2');
    const { caller, call } = jwksCaller(() => ({ keys: [current.jwk, rotated.jwk] }));
    const keySet = createAuthKeySet({ keys: { keys: [current.jwk] }, caller, unavailable, clock: () => now });
    expect(await keySet.verify(await current.sign(), checks)).toBeDefined();
    expect(call).not.toHaveBeenCalled();
    expect(await keySet.verify(await rotated.sign(), checks)).toMatchObject({ sub: 'mail#1' });
    expect(call).toHaveBeenCalledTimes(1);
    expect(call.mock.calls[0]).toEqual([expect.objectContaining({ service: 'auth', method: 'GET', path: '/auth/.well-known/jwks.json' })]);
    // Now known: no more requests.
    expect(await keySet.verify(await rotated.sign(), checks)).toBeDefined();
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('rate-limits fetches caused by unknown kids: forged kids do not flood auth', async () => {
    const current = await authKey('k1');
    let at = now;
    const { caller, call } = jwksCaller(() => ({ keys: [current.jwk] }));
    const keySet = createAuthKeySet({ keys: { keys: [current.jwk] }, caller, unavailable, minRefetchMs: 1000, clock: () => at });
    const forged = await Promise.all(['x1', 'x2', 'x3'].map(async (kid) => (await authKey(kid)).sign()));
    expect(await keySet.verify(forged[0]!, checks)).toBeUndefined();
    expect(call).toHaveBeenCalledTimes(1);
    at = now + 999;
    expect(await keySet.verify(forged[1]!, checks)).toBeUndefined();
    expect(call).toHaveBeenCalledTimes(1);
    at = now + 1000;
    expect(await keySet.verify(forged[2]!, checks)).toBeUndefined();
    expect(call).toHaveBeenCalledTimes(2);
  });

  it('shares one fetch between concurrent checks of unknown kids', async () => {
    const current = await authKey('k1');
    const rotated = await authKey('k2');
    const { caller, call } = jwksCaller(() => ({ keys: [current.jwk, rotated.jwk] }));
    const keySet = createAuthKeySet({ keys: { keys: [current.jwk] }, caller, unavailable, clock: () => now });
    const tokens = await Promise.all([rotated.sign(), rotated.sign(), rotated.sign()]);
    const results = await Promise.all(tokens.map((token) => keySet.verify(token, checks)));
    expect(results.every((payload) => payload?.sub === 'mail#1')).toBe(true);
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('without handed-over keys fetches on first use, and throws unavailable() when auth cannot answer', async () => {
    const current = await authKey('k1');
    const { caller, call } = jwksCaller(() => ({ keys: [current.jwk] }));
    expect(await createAuthKeySet({ caller, unavailable, clock: () => now }).verify(await current.sign(), checks)).toBeDefined();
    expect(call).toHaveBeenCalledTimes(1);
    const down = jwksCaller(() => ({ keys: [] }), 503);
    await expect(createAuthKeySet({ caller: down.caller, unavailable, clock: () => now }).verify(await current.sign(), checks)).rejects.toBeInstanceOf(KeysUnavailable);
    await expect(createAuthKeySet({ unavailable, clock: () => now }).verify(await current.sign(), checks)).rejects.toBeInstanceOf(KeysUnavailable);
  });

  it('counts a failed fetch against the refetch limit, and refuses an unknown kid while auth is down instead of failing the request', async () => {
    const current = await authKey('k1');
    let time = now;
    const { caller, call } = jwksCaller(() => ({ keys: [current.jwk] }), 503);
    const keySet = createAuthKeySet({ keys: { keys: [current.jwk] }, caller, unavailable, clock: () => time });
    for (let kid = 0; kid < 5; kid++) expect(await keySet.verify(await (await authKey(`forged-${kid}`)).sign(), checks)).toBeUndefined();
    expect(call).toHaveBeenCalledTimes(1);
    // The key it holds still checks a real token.
    expect(await keySet.verify(await current.sign(), checks)).toMatchObject({ sub: 'mail#1' });
    time += 1000;
    expect(await keySet.verify(await (await authKey('forged-late')).sign(), checks)).toBeUndefined();
    expect(call).toHaveBeenCalledTimes(2);
  });
});
