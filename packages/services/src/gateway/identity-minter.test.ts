import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIdentityVerifier } from '../kit/identity/identity-verifier.js';
import { foreignIdentityKey, testIdentityKey } from '#test-support/kit-identity.js';
import { createIdentityMinter } from './identity-minter.js';

const start = 1_700_000_000_000;
const startS = start / 1000;
const subject = { sub: 'alice', audience: 'profile', tokenJti: 'token-1', tokenExp: startS + 900 };

function minterAt(initial = start) {
  const clock = { now: initial };
  return { clock, minter: createIdentityMinter({ privateKey: testIdentityKey.privateJwk, clock: () => clock.now }) };
}

// Ed25519 signatures are deterministic: equal strings do not prove one signature, so signatures are counted.
function countSignatures() {
  return vi.spyOn(SignJWT.prototype, 'sign');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('identity minter (RFC 7519, RFC 8725 §3.11)', () => {
  it('signs EdDSA, typ identity+jwt, kid of the identity key, with the claims a service checks', async () => {
    const { minter } = minterAt();
    const assertion = await minter.mint(subject);
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'EdDSA', typ: 'identity+jwt', kid: testIdentityKey.privateJwk.kid });
    const claims = decodeJwt(assertion);
    expect(claims).toEqual({ iss: 'topolab-gateway', aud: 'profile', sub: 'alice', iat: startS, exp: startS + 60, at_jti: 'token-1', at_exp: startS + 900 });
  });

  it('never lets an assertion outlive the access token it stands for', async () => {
    const { minter } = minterAt();
    const claims = decodeJwt(await minter.mint({ ...subject, tokenExp: startS + 20 }));
    expect(claims.exp).toBe(startS + 20);
    expect(claims.at_exp).toBe(startS + 20);
  });

  it('reuses the assertion for the same token and service for 30 s, then signs a new one', async () => {
    const { clock, minter } = minterAt();
    const first = await minter.mint(subject);
    clock.now = start + 29_999;
    expect(await minter.mint(subject)).toBe(first);
    clock.now = start + 30_000;
    const second = await minter.mint(subject);
    expect(second).not.toBe(first);
    expect(decodeJwt(second).iat).toBe(startS + 30);
  });

  it('stops reusing an assertion a second before it expires with its access token', async () => {
    const { clock, minter } = minterAt();
    const short = { ...subject, tokenExp: startS + 10 };
    const first = await minter.mint(short);
    clock.now = start + 8_999;
    expect(await minter.mint(short)).toBe(first);
    clock.now = start + 9_000;
    expect(await minter.mint(short)).not.toBe(first);
  });

  it('signs one assertion per service, and never hands one user\'s assertion to another', async () => {
    const { clock, minter } = minterAt();
    const profile = await minter.mint(subject);
    const mail = await minter.mint({ ...subject, audience: 'mail' });
    expect(decodeJwt(mail).aud).toBe('mail');
    expect(mail).not.toBe(profile);
    clock.now = start + 1_000;
    expect(decodeJwt(await minter.mint({ ...subject, sub: 'mallory' })).sub).toBe('mallory');
  });

  it('lets concurrent requests of one token share one signature', async () => {
    const { minter } = minterAt();
    const signatures = countSignatures();
    const minted = await Promise.all([minter.mint(subject), minter.mint(subject), minter.mint(subject)]);
    expect(new Set(minted).size).toBe(1);
    expect(signatures).toHaveBeenCalledTimes(1);
    await minter.mint(subject);
    expect(signatures).toHaveBeenCalledTimes(1);
  });

  it('never shares a signature in flight between two users of one jti (CWE-639)', async () => {
    const { minter } = minterAt();
    const [alice, mallory] = await Promise.all([minter.mint(subject), minter.mint({ ...subject, sub: 'mallory' })]);
    expect(decodeJwt(alice).sub).toBe('alice');
    expect(decodeJwt(mallory).sub).toBe('mallory');
  });

  it('mints what createIdentityVerifier accepts with the gateways\' public key, and only with it', async () => {
    const { minter } = minterAt(Date.now());
    const assertion = await minter.mint({ ...subject, tokenExp: Math.floor(Date.now() / 1000) + 900 });
    const verified = await createIdentityVerifier({ publicKey: testIdentityKey.publicJwk, audience: 'profile' }).verify(assertion);
    expect(verified).toMatchObject({ sub: 'alice', aud: 'profile', tokenJti: 'token-1' });
    expect(await createIdentityVerifier({ publicKey: foreignIdentityKey.publicJwk, audience: 'profile' }).verify(assertion)).toBeUndefined();
    expect(await createIdentityVerifier({ publicKey: testIdentityKey.publicJwk, audience: 'mail' }).verify(assertion)).toBeUndefined();
  });
});
