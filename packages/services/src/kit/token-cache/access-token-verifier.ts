import { LRUCache } from 'lru-cache';
import type { ServiceCaller } from '../discovery/service-caller.js';
import type { PublicJwk } from '../../contract/signing-keys.js';
import { createAuthKeySet } from '../service-auth/key-set.js';
import type { TraceContext } from '../trace.js';
import { hashToken, isJti, isUserId, type TokenFacts } from './token-facts.js';

/** What every access token must say (as auth signs them). */
const verifyOptions = { algorithms: ['EdDSA'], issuer: 'topolab-auth', audience: 'topolab', typ: 'at+jwt', requiredClaims: ['sub', 'jti', 'iat', 'exp'] };

/** Options of createAccessTokenVerifier. */
export interface AccessTokenVerifierOptions {
  /** Reaches auth's `GET /auth/.well-known/jwks.json`, for a `kid` not among `key`. */
  readonly caller: ServiceCaller;
  /** Auth's public key as handed over at start (`TOPOLAB_AUTH_PUBLIC_KEY`): no JWKS request before the first check. */
  readonly key?: PublicJwk | undefined;
  /** How long fetching the key set may take. @default 2000 */
  readonly timeoutMs?: number;
  /** Shortest time between two fetches caused by unknown `kid`s (forged tokens must not flood auth). @default 1000 */
  readonly minRefetchMs?: number;
  /** Most verified tokens kept. @default 10000 */
  readonly maxEntries?: number;
  /** Builds the error thrown when auth's keys cannot be had (the gateway's and the sidecar's own codes). */
  readonly unavailable: (options: { message?: string; cause?: unknown }) => Error;
  /** Epoch ms now, also the time tokens are checked at. @default Date.now */
  readonly clock?: () => number;
}

/** Checks access JWTs against auth's keys: the gateway's `local` and `global` modes, and the sidecar. */
export interface AccessTokenVerifier {
  /**
   * The token's facts when its signature, `typ`, issuer, audience and lifetime are good;
   * undefined otherwise. Throws `unavailable()` when the keys cannot be fetched.
   */
  verify(token: string, trace?: TraceContext): Promise<TokenFacts | undefined>;
}

/**
 * Creates a verifier over auth's key set (kit/service-auth/key-set.ts: the key handed over, and
 * the JWKS fetched on an unknown `kid`). A token that verified is kept, by its SHA-256, until it
 * expires: its signature cannot stop being good, so a busy token costs one EdDSA check, not one
 * per request (whether it was revoked is the mode's question, asked every time).
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const clock = options.clock ?? Date.now;
  const keySet = createAuthKeySet({
    caller: options.caller,
    ...(options.key ? { keys: { keys: [options.key] } } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.minRefetchMs === undefined ? {} : { minRefetchMs: options.minRefetchMs }),
    clock,
    unavailable: options.unavailable,
  });
  const verified = new LRUCache<string, TokenFacts>({ max: options.maxEntries ?? 10_000 });
  return {
    async verify(token, trace) {
      const key = hashToken(token);
      const known = verified.get(key);
      if (known) return known.exp * 1000 > clock() ? known : undefined;
      const payload = await keySet.verify(token, verifyOptions, trace);
      if (!payload) return undefined;
      const { sub, jti, exp, iat, username } = payload;
      if (!isUserId(sub) || !isJti(jti) || typeof exp !== 'number' || typeof iat !== 'number' || typeof username !== 'string') return undefined;
      const facts: TokenFacts = { sub, username, jti, exp, iat };
      verified.set(key, facts, { ttl: Math.max(1, exp * 1000 - clock()) });
      return facts;
    },
  };
}
