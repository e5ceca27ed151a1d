import type { importJWK, JWK } from 'jose';
import { LRUCache } from 'lru-cache';
import { identityAssertionParts, identityAssertionReuseS, type AssertionSubject } from '../contract/identity.js';
import { loadJwtSign, loadKeyImport } from '../kit/jose-modules.js';
import type { PrivateJwk } from '../contract/signing-keys.js';

/** Signs the gateway's identity assertions (contract/identity.ts). */
export interface IdentityMinter {
  /** An assertion for `subject`: a cached one while it is reusable, else a new signature. */
  mint(subject: AssertionSubject): Promise<string>;
  /** The reusable assertion of `subject`, synchronously; undefined when one must be signed (then `mint`). */
  known(subject: AssertionSubject): string | undefined;
}

/** Options of createIdentityMinter. */
export interface IdentityMinterOptions {
  readonly privateKey: PrivateJwk;
  /** Most assertions kept for reuse (one per access token and service). @default 10000 */
  readonly maxEntries?: number;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

interface Minted {
  readonly assertion: string;
  readonly sub: string;
  /** Epoch ms after which a new one is signed. */
  readonly reuseUntil: number;
}


/**
 * Creates a minter. An assertion lives at most 60 s (never past the access token) and is reused
 * for the same access token and service for 30 s, so a user's burst of requests costs one
 * signature per service, and a service verifies it once (it caches verified assertions).
 * Concurrent requests of one token share one signature.
 */
export function createIdentityMinter(options: IdentityMinterOptions): IdentityMinter {
  const { privateKey } = options;
  const clock = options.clock ?? Date.now;
  const minted = new LRUCache<string, Minted>({ max: options.maxEntries ?? 10_000 });
  const pending = new Map<string, Promise<string>>();
  let key: ReturnType<typeof importJWK> | undefined;

  // jose's signing loads on the first assertion, not at start.
  async function sign(subject: AssertionSubject, cacheKey: string): Promise<string> {
    const [{ importJWK }, { SignJWT }] = await Promise.all([loadKeyImport(), loadJwtSign()]);
    key ??= importJWK(privateKey as JWK, 'EdDSA');
    const nowS = Math.floor(clock() / 1000);
    const { header, claims } = identityAssertionParts(subject, privateKey.kid, nowS);
    const assertion = await new SignJWT(claims).setProtectedHeader(header).sign(await key);
    minted.set(cacheKey, { assertion, sub: subject.sub, reuseUntil: Math.min((nowS + identityAssertionReuseS) * 1000, (claims.exp - 1) * 1000) });
    return assertion;
  }

  const known = (subject: AssertionSubject): string | undefined => {
    const found = minted.get(`${subject.tokenJti} ${subject.audience}`);
    return found && found.sub === subject.sub && clock() < found.reuseUntil ? found.assertion : undefined;
  };

  return {
    known,
    mint(subject) {
      const cacheKey = `${subject.tokenJti} ${subject.audience}`;
      const reusable = known(subject);
      if (reusable !== undefined) return Promise.resolve(reusable);
      // Shared only by the same user too, like a reused one: an assertion never names someone else.
      const pendingKey = `${cacheKey} ${subject.sub}`;
      let signing = pending.get(pendingKey);
      if (!signing) {
        signing = sign(subject, cacheKey).finally(() => pending.delete(pendingKey));
        pending.set(pendingKey, signing);
      }
      return signing;
    },
  };
}
