import type { IncomingHttpHeaders } from 'node:http';
import type { importJWK, JWK } from 'jose';
import { LRUCache } from 'lru-cache';
import { identityAssertionHeader, identityAssertionType, identityIssuer, type IdentityClaims } from '../../contract/identity.js';
import { loadJwtVerify, loadKeyImport } from '../jose-modules.js';
import type { PublicJwk } from '../../contract/signing-keys.js';
import { isJti, isUserId } from '../token-cache/token-facts.js';

/** Checks the gateway's identity assertions addressed to one service (contract/identity.ts). */
export interface IdentityVerifier {
  /** This service: the `aud` an assertion must carry. */
  readonly audience: string;
  /** The claims of a valid, unexpired assertion for this audience; undefined for anything else. Never throws. */
  verify(assertion: string): Promise<IdentityClaims | undefined>;
  /** The claims of an assertion already verified and not expired; undefined otherwise (then `verify`). Synchronous: the hot path of a busy user. */
  known?(assertion: string): IdentityClaims | undefined;
}

/** Options of createIdentityVerifier. */
export interface IdentityVerifierOptions {
  /** The gateways' public key (`TOPOLAB_IDENTITY_PUBLIC_KEY`); without it every assertion is refused. */
  readonly publicKey: PublicJwk | undefined;
  readonly audience: string;
  /** Most verified assertions kept. @default 10000 */
  readonly maxEntries?: number;
  /** Epoch ms now, also the time assertions are checked at. @default Date.now */
  readonly clock?: () => number;
}


/**
 * Creates a verifier: EdDSA signature with the gateways' key, `typ` `identity+jwt`, issuer
 * `topolab-gateway`, this audience, not expired. A valid assertion is kept until it expires, so a
 * gateway reusing it for 30 s costs one signature check (an Ed25519 verify through WebCrypto is
 * a few hundred µs); invalid ones are not kept (a flood of forged ones must not push out the good ones).
 */
export function createIdentityVerifier(options: IdentityVerifierOptions): IdentityVerifier {
  const { audience, publicKey } = options;
  const clock = options.clock ?? Date.now;
  const verified = new LRUCache<string, IdentityClaims>({ max: options.maxEntries ?? 10_000 });
  let key: ReturnType<typeof importJWK> | undefined;

  // jose's verification loads on the first assertion checked, not by every instance at start.
  async function check(assertion: string): Promise<IdentityClaims | undefined> {
    const [{ importJWK }, { jwtVerify }] = await Promise.all([loadKeyImport(), loadJwtVerify()]);
    key ??= importJWK(publicKey as JWK, 'EdDSA');
    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, await key, {
        algorithms: ['EdDSA'],
        typ: identityAssertionType,
        issuer: identityIssuer,
        audience,
        requiredClaims: ['sub', 'iat', 'exp', 'at_jti', 'at_exp'],
        currentDate: new Date(clock()),
      }));
    } catch {
      return undefined;
    }
    const { sub, exp, at_jti: tokenJti, at_exp: tokenExp } = payload as Record<string, unknown>;
    if (!isUserId(sub) || typeof exp !== 'number' || !isJti(tokenJti) || typeof tokenExp !== 'number' || !Number.isSafeInteger(tokenExp)) return undefined;
    return { sub, aud: audience, exp, tokenJti, tokenExp };
  }

  const known = (assertion: string): IdentityClaims | undefined => {
    const claims = verified.get(assertion);
    return claims && claims.exp * 1000 > clock() ? claims : undefined;
  };

  return {
    audience,
    known,
    async verify(assertion) {
      if (!publicKey) return undefined;
      if (verified.has(assertion)) return known(assertion);
      const claims = await check(assertion);
      if (claims) verified.set(assertion, claims, { ttl: Math.max(1, claims.exp * 1000 - clock()) });
      return claims;
    },
  };
}

/** What a request's identity came to. */
export type RequestIdentity =
  /** No assertion was sent (a `x-user-id` alone counts for nothing). */
  | { readonly kind: 'none' }
  | { readonly kind: 'verified'; readonly claims: IdentityClaims }
  /** An assertion was sent and did not verify (forged, for another service, expired), or was sent twice. */
  | { readonly kind: 'refused' };

const none: RequestIdentity = Object.freeze({ kind: 'none' });
const refused: RequestIdentity = Object.freeze({ kind: 'refused' });

/**
 * Reads and verifies the assertion of a request's headers: synchronously when there is none or
 * it was verified before (every request of a busy user but the first), else a promise.
 */
export function readRequestIdentity(headers: IncomingHttpHeaders, verifier: IdentityVerifier | undefined): RequestIdentity | Promise<RequestIdentity> {
  const value = headers[identityAssertionHeader];
  if (value === undefined) return none;
  // Node joins repeated unknown headers with ", ": two assertions are never one identity.
  if (typeof value !== 'string' || value.includes(',') || !verifier) return refused;
  const known = verifier.known?.(value);
  if (known) return { kind: 'verified', claims: known };
  return verifier.verify(value).then((claims) => (claims ? { kind: 'verified', claims } : refused));
}
