import { calculateJwkThumbprint, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openAuthStore } from './store.js';
import { createAccessTokens } from './tokens.js';
import { logIn, registerVerified, signWithAuthKey, startTestAuth, testSigningKey, type TestAuth } from '#test-support/auth.js';
import { closeAfterTest } from '#test-support/kit.js';

async function loggedIn() {
  const auth = await closeAfterTest(startTestAuth({ accessTokenTtlS: 900 }));
  const userId = await registerVerified(auth);
  const pair = await logIn(auth);
  return { auth, userId, pair };
}

const introspect = async (auth: TestAuth, token: string) => {
  const res = await auth.request('POST', '/auth/introspect', { token });
  expect(res.status).toBe(200);
  return res.body;
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens', () => {
  it('are EdDSA JWTs with typ at+jwt and the published kid, verifiable with the JWKS', async () => {
    const { auth, userId, pair } = await loggedIn();
    expect(decodeProtectedHeader(pair.accessToken)).toEqual({ alg: 'EdDSA', typ: 'at+jwt', kid: auth.tokens.kid });
    const res = await auth.request('GET', '/auth/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    const [jwk] = res.body.keys;
    expect(jwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: auth.tokens.kid, alg: 'EdDSA', use: 'sig' });
    expect(jwk.d).toBeUndefined();
    expect(await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x })).toBe(jwk.kid);
    const { payload } = await jwtVerify(pair.accessToken, await importJWK(jwk, 'EdDSA'), {
      issuer: 'topolab-auth',
      audience: 'topolab',
      currentDate: new Date(auth.clock.now()),
    });
    expect(payload.sub).toBe(userId);
  });

  it('introspect as active with sub, username, jti, exp, iat', async () => {
    const { auth, userId, pair } = await loggedIn();
    const body = await introspect(auth, pair.accessToken);
    const iat = Math.floor(auth.clock.now() / 1000);
    expect(body).toEqual({ active: true, sub: userId, username: 'alice', jti: expect.any(String), iat, exp: iat + 900 });
  });

  it('are inactive once a payload byte is changed', async () => {
    const { auth, pair } = await loggedIn();
    const [header, payload, signature] = pair.accessToken.split('.') as [string, string, string];
    const bytes = Buffer.from(payload, 'base64url');
    bytes[10] = bytes[10]! ^ 1;
    expect(await introspect(auth, `${header}.${bytes.toString('base64url')}.${signature}`)).toEqual({ active: false });
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const swapped = b64({ ...claims, sub: 'someone-else' });
    expect(await introspect(auth, `${header}.${swapped}.${signature}`)).toEqual({ active: false });
  });

  it('are inactive with alg none, with or without a signature', async () => {
    const { auth, pair } = await loggedIn();
    const claims = JSON.parse(Buffer.from(pair.accessToken.split('.')[1]!, 'base64url').toString());
    const header = b64({ alg: 'none', typ: 'at+jwt' });
    expect(await introspect(auth, `${header}.${b64(claims)}.`)).toEqual({ active: false });
    expect(await introspect(auth, `${header}.${b64(claims)}.${pair.accessToken.split('.')[2]}`)).toEqual({ active: false });
  });

  it.each([
    ['the wrong audience', { aud: 'elsewhere' }, {}],
    ['the wrong issuer', { iss: 'evil-auth' }, {}],
    ['the wrong typ', {}, { typ: 'JWT' }],
    ['no typ', {}, { typ: undefined }],
  ])('are inactive with %s even when signed by the real key', async (_name, claimOverrides, headerOverrides) => {
    const { auth, pair } = await loggedIn();
    const claims = JSON.parse(Buffer.from(pair.accessToken.split('.')[1]!, 'base64url').toString());
    const forged = await signWithAuthKey({ ...claims, ...claimOverrides }, headerOverrides);
    expect(await introspect(auth, forged)).toEqual({ active: false });
    // The same claims, untouched, are accepted: the override alone makes the difference.
    expect((await introspect(auth, await signWithAuthKey(claims))).active).toBe(true);
  });

  it('are inactive with a jti auth never issued, even when signed by the real key', async () => {
    const { auth, pair } = await loggedIn();
    const claims = JSON.parse(Buffer.from(pair.accessToken.split('.')[1]!, 'base64url').toString());
    expect(await introspect(auth, await signWithAuthKey({ ...claims, jti: 'made-up' }))).toEqual({ active: false });
  });

  it('are inactive once expired by the clock', async () => {
    const { auth, pair } = await loggedIn();
    auth.clock.advance(899_000);
    expect((await introspect(auth, pair.accessToken)).active).toBe(true);
    auth.clock.advance(1_000);
    expect(await introspect(auth, pair.accessToken)).toEqual({ active: false });
  });

  it('are inactive once revoked by logout', async () => {
    const { auth, pair } = await loggedIn();
    await auth.request('POST', '/auth/logout', undefined, { authorization: `Bearer ${pair.accessToken}` });
    expect(await introspect(auth, pair.accessToken)).toEqual({ active: false });
  });

  it.each(['', 'garbage', 'a.b.c', '....', 'x'.repeat(10_000)])('treat %j as inactive', async (token) => {
    const { auth } = await loggedIn();
    expect(await introspect(auth, token)).toEqual({ active: false });
  });

  it('do not take a refresh token as an access token', async () => {
    const { auth, pair } = await loggedIn();
    expect(await introspect(auth, pair.refreshToken)).toEqual({ active: false });
  });

  it('share one key between instances handed the same key file', async () => {
    const { auth, pair } = await loggedIn();
    const otherConnection = openAuthStore(auth.dir);
    onTestFinished(() => otherConnection.close());
    const second = await createAccessTokens({ store: otherConnection, signingKey: testSigningKey, clock: auth.clock.now });
    expect(second.kid).toBe(auth.tokens.kid);
    expect(await second.introspect(pair.accessToken)).toMatchObject({ username: 'alice' });
  });
});
