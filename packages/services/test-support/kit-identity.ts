import { randomUUID } from 'node:crypto';
import { SignJWT, importJWK } from 'jose';
import { identityAssertionHeader, identityAssertionParts } from '../src/contract/identity.js';
import { generateEd25519KeyPair, type PrivateJwk } from '../src/contract/signing-keys.js';
import { createIdentityVerifier, type IdentityVerifier } from '../src/kit/identity/identity-verifier.js';

/** The identity key in-process tests play the gateways with (one per test process). */
export const testIdentityKey = generateEd25519KeyPair();

/** Another key: what an attacker who is not a gateway signs with. */
export const foreignIdentityKey = generateEd25519KeyPair();

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
