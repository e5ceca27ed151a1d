import { randomUUID } from 'node:crypto';
import { SignJWT, importJWK, type JWTPayload } from 'jose';
import { jwtVerify } from 'jose/jwt/verify';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { identityAssertionParts } from '../../contract/identity.js';
import { createIdentityVerifier, readRequestIdentity } from './identity-verifier.js';
import { createTestIdentityVerifier, foreignIdentityKey, testIdentityAssertion, testIdentityKey } from '#test-support/kit-identity.js';

// The unit lane shares modules between the files a worker runs (isolate: false): a file that
// mocks a module starts from fresh ones, or modules another file loaded would keep the real one.
vi.hoisted(() => vi.resetModules());

// Counts signature checks: the verifier loads jose's verify module lazily, and this mock is what it gets.
vi.mock('jose/jwt/verify', async (importOriginal) => {
  const actual = await importOriginal<typeof import('jose/jwt/verify')>();
  return { ...actual, jwtVerify: vi.fn(actual.jwtVerify) };
});
const verifyCalls = () => vi.mocked(jwtVerify).mock.calls.length;

const now = 1_700_000_000_000;
const nowS = now / 1000;
const clock = () => now;

/** Signs `claims` under `header` with the test identity key (or `key`), for assertions the gateway would never mint. */
async function signed(header: { alg: string; typ?: string; kid?: string }, claims: JWTPayload, key = testIdentityKey.privateJwk): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(header).sign(await importJWK({ ...key }, 'EdDSA'));
}

/** The header and claims a gateway signs for alice → profile now. */
function goodParts() {
  return identityAssertionParts({ sub: 'alice', audience: 'profile', tokenJti: randomUUID(), tokenExp: nowS + 900 }, testIdentityKey.privateJwk.kid, nowS);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('identity verifier (RFC 7519, RFC 8725)', () => {
  beforeEach(() => {
    vi.mocked(jwtVerify).mockClear();
  });

  it('accepts a gateway assertion for its own audience and answers its claims', async () => {
    const verifier = createTestIdentityVerifier('profile', clock);
    const assertion = await testIdentityAssertion('alice', 'profile', { now, tokenJti: 'jti-1', tokenExp: nowS + 900 });
    expect(await verifier.verify(assertion)).toEqual({ sub: 'alice', aud: 'profile', exp: nowS + 60, tokenJti: 'jti-1', tokenExp: nowS + 900 });
  });

  it('refuses an assertion minted for another service (RFC 7519 §4.1.3 aud, CWE-639)', async () => {
    const verifier = createTestIdentityVerifier('profile', clock);
    expect(await verifier.verify(await testIdentityAssertion('alice', 'mail', { now }))).toBeUndefined();
  });

  it('refuses an assertion signed with a key that is not the gateways\' (CWE-345)', async () => {
    const verifier = createTestIdentityVerifier('profile', clock);
    expect(await verifier.verify(await testIdentityAssertion('alice', 'profile', { now, key: foreignIdentityKey.privateJwk }))).toBeUndefined();
  });

  it('refuses alg "none" (RFC 8725 §2.1, §3.1)', async () => {
    const verifier = createTestIdentityVerifier('profile', clock);
    const { header, claims } = goodParts();
    expect(await verifier.verify(`${b64({ ...header, alg: 'none' })}.${b64(claims)}.`)).toBeUndefined();
  });

  it('refuses HS256 keyed with the public key\'s bytes: no algorithm confusion (RFC 8725 §2.1, §3.1)', async () => {
    const verifier = createTestIdentityVerifier('profile', clock);
    const { header, claims } = goodParts();
    const publicBytes = Buffer.from(testIdentityKey.publicJwk.x, 'base64url');
    const publicText = new TextEncoder().encode(JSON.stringify(testIdentityKey.publicJwk));
    for (const secret of [publicBytes, publicText]) {
      const forged = await new SignJWT(claims).setProtectedHeader({ ...header, alg: 'HS256' }).sign(secret);
      expect(await verifier.verify(forged)).toBeUndefined();
    }
  });

  it('refuses another kind of JWT signed with the same key: explicit typing (RFC 8725 §3.11, RFC 9068 at+jwt)', async () => {
    const verifier = createTestIdentityVerifier('profile', clock);
    const { header, claims } = goodParts();
    expect(await verifier.verify(await signed({ ...header, typ: 'at+jwt' }, claims))).toBeUndefined();
    expect(await verifier.verify(await signed({ alg: 'EdDSA', kid: header.kid }, claims))).toBeUndefined();
    // The same parts with the right typ pass: only the typ made the difference.
    expect(await verifier.verify(await signed(header, claims))).toBeDefined();
  });

  it('refuses a wrong issuer (RFC 7519 §4.1.1)', async () => {
    const verifier = createTestIdentityVerifier('profile', clock);
    const { header, claims } = goodParts();
    expect(await verifier.verify(await signed(header, { ...claims, iss: 'topolab-auth' }))).toBeUndefined();
  });

  it('refuses an expired assertion at the injected clock (RFC 7519 §4.1.4)', async () => {
    const assertion = await testIdentityAssertion('alice', 'profile', { now });
    expect(await createTestIdentityVerifier('profile', () => now + 59_000).verify(assertion)).toBeDefined();
    expect(await createTestIdentityVerifier('profile', () => now + 60_000).verify(assertion)).toBeUndefined();
  });

  it('refuses an assertion without the access token it stands for (at_jti, at_exp) or with a malformed one', async () => {
    const verifier = createTestIdentityVerifier('profile', clock);
    const { header, claims } = goodParts();
    const { at_jti: _jti, ...withoutJti } = claims;
    const { at_exp: _exp, ...withoutExp } = claims;
    expect(await verifier.verify(await signed(header, withoutJti))).toBeUndefined();
    expect(await verifier.verify(await signed(header, withoutExp))).toBeUndefined();
    expect(await verifier.verify(await signed(header, { ...claims, at_jti: 'a b' }))).toBeUndefined();
    expect(await verifier.verify(await signed(header, { ...claims, at_exp: nowS + 0.5 }))).toBeUndefined();
  });

  it('refuses a sub that is not a user id (empty, spaces, control characters, not a string)', async () => {
    const verifier = createTestIdentityVerifier('profile', clock);
    const { header, claims } = goodParts();
    for (const sub of ['', 'alice smith', 'alice\r\nx-admin: 1', 'é']) {
      expect(await verifier.verify(await signed(header, { ...claims, sub }))).toBeUndefined();
    }
    expect(await verifier.verify(await signed(header, { ...claims, sub: 42 as unknown as string }))).toBeUndefined();
  });

  it('refuses every assertion when no key was handed over, without checking any', async () => {
    const verifier = createIdentityVerifier({ publicKey: undefined, audience: 'profile', clock });
    expect(await verifier.verify(await testIdentityAssertion('alice', 'profile', { now }))).toBeUndefined();
    expect(verifyCalls()).toBe(0);
  });

  it('checks a valid assertion once and answers it from its cache until it expires', async () => {
    let at = now;
    const verifier = createTestIdentityVerifier('profile', () => at);
    const assertion = await testIdentityAssertion('alice', 'profile', { now });
    const first = await verifier.verify(assertion);
    expect(first).toBeDefined();
    expect(verifyCalls()).toBe(1);
    at = now + 30_000;
    expect(await verifier.verify(assertion)).toEqual(first);
    expect(verifyCalls()).toBe(1);
    // Cached, yet not past its exp.
    at = now + 60_000;
    expect(await verifier.verify(assertion)).toBeUndefined();
  });

  it('does not cache a refused assertion: it is checked again each time', async () => {
    let at = now + 120_000;
    const verifier = createTestIdentityVerifier('profile', () => at);
    const assertion = await testIdentityAssertion('alice', 'profile', { now });
    expect(await verifier.verify(assertion)).toBeUndefined();
    expect(await verifier.verify(assertion)).toBeUndefined();
    expect(verifyCalls()).toBe(2);
    at = now;
    expect(await verifier.verify(assertion)).toBeDefined();
  });
});

describe('readRequestIdentity', () => {
  it('answers none without an assertion, whatever x-user-id says', async () => {
    const verifier = createTestIdentityVerifier('profile');
    expect(await readRequestIdentity({}, verifier)).toEqual({ kind: 'none' });
    expect(await readRequestIdentity({ 'x-user-id': 'alice' }, verifier)).toEqual({ kind: 'none' });
  });

  it('answers verified with the claims of a good assertion', async () => {
    const verifier = createTestIdentityVerifier('profile');
    const identity = await readRequestIdentity({ 'x-jwt-assertion': await testIdentityAssertion('alice', 'profile') }, verifier);
    expect(identity).toMatchObject({ kind: 'verified', claims: { sub: 'alice', aud: 'profile' } });
  });

  it('answers refused for a bad assertion, for one sent twice (joined "a, b") and when the service has no verifier', async () => {
    const verifier = createTestIdentityVerifier('profile');
    const good = await testIdentityAssertion('alice', 'profile');
    const other = await testIdentityAssertion('mallory', 'profile');
    expect(await readRequestIdentity({ 'x-jwt-assertion': 'not.a.jwt' }, verifier)).toEqual({ kind: 'refused' });
    expect(await readRequestIdentity({ 'x-jwt-assertion': `${good}, ${other}` }, verifier)).toEqual({ kind: 'refused' });
    expect(await readRequestIdentity({ 'x-jwt-assertion': `${good}, ${good}` }, verifier)).toEqual({ kind: 'refused' });
    expect(await readRequestIdentity({ 'x-jwt-assertion': good }, undefined)).toEqual({ kind: 'refused' });
  });

  it('never asks the verifier about a header sent twice, even one that would accept anything', async () => {
    const verify = vi.fn(async () => ({ sub: 'alice', aud: 'profile', exp: nowS + 60, tokenJti: 'j', tokenExp: nowS + 900 }));
    expect(await readRequestIdentity({ 'x-jwt-assertion': 'a, b' }, { audience: 'profile', verify })).toEqual({ kind: 'refused' });
    expect(verify).not.toHaveBeenCalled();
    expect(await readRequestIdentity({ 'x-jwt-assertion': 'a' }, { audience: 'profile', verify })).toMatchObject({ kind: 'verified' });
  });
});
