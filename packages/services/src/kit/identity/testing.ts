import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT, importJWK } from 'jose';
import { identityAssertionHeader, identityAssertionParts } from '../../contract/identity.js';
import type { PrivateJwk, PublicJwk } from '../jwk.js';
import { createIdentityVerifier, type IdentityVerifier } from './identity-verifier.js';

/** A new Ed25519 key pair as JWKs with their RFC 7638 `kid`, for tests. */
export function generateTestKeyPair(): { privateJwk: PrivateJwk; publicJwk: PublicJwk } {
  const { x, d } = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as { x: string; d: string };
  const kid = createHash('sha256').update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x })).digest('base64url');
  return { privateJwk: { kty: 'OKP', crv: 'Ed25519', x, d, kid }, publicJwk: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' } };
}

/** The identity key in-process tests play the gateways with (one per test process). */
export const testIdentityKey = generateTestKeyPair();

/** Another key: what an attacker who is not a gateway signs with. */
export const foreignIdentityKey = generateTestKeyPair();

/** A verifier for `audience` that trusts `testIdentityKey`, as a service trusts the gateways' key. */
export function createTestIdentityVerifier(audience: string, clock?: () => number): IdentityVerifier {
  return createIdentityVerifier({ publicKey: testIdentityKey.publicJwk, audience, ...(clock ? { clock } : {}) });
}

/** Options of testIdentityAssertion. */
export interface TestAssertionOptions {
  /** The access token it stands for. @default a random jti, expiring in 900 s */
  readonly tokenJti?: string;
  /** Epoch seconds. */
  readonly tokenExp?: number;
  /** Epoch ms it is issued at. @default Date.now() */
  readonly now?: number;
  /** @default 60 */
  readonly ttlS?: number;
  /** @default testIdentityKey */
  readonly key?: PrivateJwk;
}

/** An identity assertion for `userId` to `audience`, signed as a gateway signs one. */
export async function testIdentityAssertion(userId: string, audience: string, options: TestAssertionOptions = {}): Promise<string> {
  const nowS = Math.floor((options.now ?? Date.now()) / 1000);
  const key = options.key ?? testIdentityKey.privateJwk;
  const subject = { sub: userId, audience, tokenJti: options.tokenJti ?? randomUUID(), tokenExp: options.tokenExp ?? nowS + 900 };
  const { header, claims } = identityAssertionParts(subject, key.kid, nowS, options.ttlS);
  return new SignJWT(claims).setProtectedHeader(header).sign(await importJWK({ ...key }, 'EdDSA'));
}

/** Headers naming `userId` to `audience` the way the gateway does: `{ 'x-jwt-assertion': … }`. */
export async function asUser(userId: string, audience: string, options: TestAssertionOptions = {}): Promise<Record<string, string>> {
  return { [identityAssertionHeader]: await testIdentityAssertion(userId, audience, options) };
}
