import { tokenStateKey, type TokenState } from '../../contract/cache-api.js';
import type { CacheClient } from '../clients/cache-client.js';
import type { Telemetry } from '../telemetry.js';
import type { TraceContext } from '../trace.js';
import { createCacheHealth } from './cache-health.js';
import type { FeedEventNames } from './revocation-feed.js';
import { hashToken, type TokenFacts, type UnverifiedClaims } from './token-facts.js';

/** What the global cache says about a token. */
export type TokenStateVerdict =
  /** Auth wrote that this exact token (by its hash) is active and it has not expired. */
  | { readonly kind: 'active'; readonly facts: TokenFacts }
  /**
   * Auth wrote that the token is revoked or expired; or, with `forged`, auth's active entry for
   * its jti belongs to another token string: someone copied a live token's claims without its signature.
   */
  | { readonly kind: 'refused'; readonly forged?: true }
  /** No entry (or one without a hash to check against), or the cache did not answer (reported through the health events). */
  | { readonly kind: 'unknown' };

/** Options of createTokenStates. */
export interface TokenStatesOptions {
  readonly cache: Pick<CacheClient, 'get' | 'setIfAbsent'>;
  readonly telemetry: Telemetry;
  /** Who asks, named in events (`global`, `sidecar`). */
  readonly mode: string;
  /** @default { degraded: 'gateway.auth.degraded', restored: 'gateway.auth.restored' } */
  readonly events?: FeedEventNames;
  /** Longest life of an entry written after asking auth (never past the token's exp). */
  readonly fillTtlMs: number;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/** `token:<jti>` entries of the global cache, as the gateway's `global` mode and the sidecar read and fill them. */
export interface TokenStates {
  /** Reads the entry of `token`, whose claims were read from it unverified as `claims`; never throws. */
  lookup(token: string, claims: UnverifiedClaims, trace?: TraceContext): Promise<TokenStateVerdict>;
  /** Writes `{ active: true }` for `token`, which auth just vouched for, in the background and only if the key is still absent. */
  fill(token: string, facts: TokenFacts, trace?: TraceContext): void;
}

/**
 * Reads and fills token states. Auth writes `{ active: true, tokenHash }` on login and refresh
 * and `{ active: false }` on logout before it answers, so an entry is current. The jti a lookup
 * uses comes from an unverified token, so an active entry vouches only for the token whose
 * SHA-256 is its `tokenHash` (and only until its exp); any other token with that jti is a
 * forgery and is refused, never introspected as if it were a miss.
 *
 * A fill (after auth's introspection said "active") is a conditional write (`setIfAbsent`): a
 * logout that auth wrote between the introspection and the fill wins. A failing cache is
 * skipped for a second at a time and reported once (`events.degraded`, then `events.restored`).
 */
export function createTokenStates(options: TokenStatesOptions): TokenStates {
  const { cache, telemetry, mode } = options;
  const clock = options.clock ?? Date.now;
  const health = createCacheHealth({ telemetry, mode, clock, ...(options.events ? { events: options.events } : {}) });

  return {
    async lookup(token, claims, trace) {
      if (!health.usable()) return { kind: 'unknown' };
      let state: TokenState | undefined;
      try {
        state = await cache.get<TokenState>(tokenStateKey(claims.jti), trace);
        health.worked();
      } catch (error) {
        health.failed(error);
        return { kind: 'unknown' };
      }
      if (state?.active === false) return { kind: 'refused' };
      if (state?.active !== true || typeof state.tokenHash !== 'string') return { kind: 'unknown' };
      // The hash is not a secret, so a plain comparison leaks nothing worth timing.
      if (hashToken(token) !== state.tokenHash) return { kind: 'refused', forged: true };
      if (state.exp * 1000 <= clock()) return { kind: 'refused' };
      return { kind: 'active', facts: { sub: state.sub, username: state.username, jti: claims.jti, exp: state.exp } };
    },
    fill(token, facts, trace) {
      const ttlMs = Math.min(facts.exp * 1000 - clock(), options.fillTtlMs);
      if (ttlMs < 1 || !health.usable()) return;
      const state: TokenState = { active: true, sub: facts.sub, username: facts.username, exp: facts.exp, tokenHash: hashToken(token) };
      cache.setIfAbsent(tokenStateKey(facts.jti), state, ttlMs, trace).then((written) => {
        health.worked();
        if (!written) telemetry.debug('cache fill skipped: auth wrote the token state meanwhile', { mode, jti: facts.jti });
      }, health.failed);
    },
  };
}
