import { tokenStateKey, type TokenState } from '../../contract/cache-api.js';
import type { CacheClient } from '../clients/cache-client.js';
import type { Telemetry } from '../telemetry.js';
import type { TraceContext } from '../trace.js';
import { createCacheHealth } from './cache-health.js';
import type { FeedEventNames } from './revocation-feed.js';
import { hashToken, type TokenFacts } from './token-facts.js';

/** What the global cache says about a token. */
export type TokenStateVerdict =
  /** Auth wrote that this token (by its hash) is active and it has not expired. */
  | { readonly kind: 'active'; readonly facts: TokenFacts }
  /**
   * Auth wrote that the token is revoked or expired; or, with `forged`, auth's active entry for
   * its jti belongs to another token string (a reader checks signatures first, so this takes a
   * second token auth signed with the same jti: it does not happen unless the cache was tampered with).
   */
  | { readonly kind: 'refused'; readonly forged?: true }
  /** No entry (or one without a hash to check against), or the cache did not answer (reported through the health events). */
  | { readonly kind: 'unknown' };

/** Options of createTokenStates. */
export interface TokenStatesOptions {
  readonly cache: Pick<CacheClient, 'get'>;
  readonly telemetry: Telemetry;
  /** Who asks, named in events (`global`, `sidecar`). */
  readonly mode: string;
  /** @default { degraded: 'gateway.auth.degraded', restored: 'gateway.auth.restored' } */
  readonly events?: FeedEventNames;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/** `token:<jti>` entries of the global cache, as the gateway's `global` mode and the sidecar read them. */
export interface TokenStates {
  /** Reads the entry of `token`, whose signature and claims (`verified`) the reader has already checked; never throws. */
  lookup(token: string, verified: TokenFacts, trace?: TraceContext): Promise<TokenStateVerdict>;
}

/**
 * Reads token states: whether auth revoked a token, never whether it is authentic (its reader
 * checked the signature first). Auth writes `{ active: true, tokenHash }` on login and refresh
 * (and again after a reader's miss) and `{ active: false }` on logout before it answers, so an
 * entry is current; auth is the only writer (the cache refuses readers' writes: `cache.write`,
 * or the Redis ACL). An active entry still vouches only for the token whose SHA-256 is its
 * `tokenHash` (and only until its exp). A failing cache is skipped for a second at a time and
 * reported once (`events.degraded`, then `events.restored`).
 */
export function createTokenStates(options: TokenStatesOptions): TokenStates {
  const { cache, telemetry, mode } = options;
  const clock = options.clock ?? Date.now;
  const health = createCacheHealth({ telemetry, mode, clock, ...(options.events ? { events: options.events } : {}) });

  return {
    async lookup(token, verified, trace) {
      if (!health.usable()) return { kind: 'unknown' };
      let state: TokenState | undefined;
      try {
        state = await cache.get<TokenState>(tokenStateKey(verified.jti), trace);
        health.worked();
      } catch (error) {
        health.failed(error);
        return { kind: 'unknown' };
      }
      if (state?.active === false) return { kind: 'refused' };
      if (state?.active !== true || typeof state.tokenHash !== 'string') return { kind: 'unknown' };
      // The hash is not a secret, so a plain comparison leaks nothing worth timing. An entry naming
      // another user than the token it vouches for was not written by auth.
      if (hashToken(token) !== state.tokenHash || state.sub !== verified.sub) return { kind: 'refused', forged: true };
      if (verified.exp * 1000 <= clock()) return { kind: 'refused' };
      // The user is the signed token's, never the cache entry's.
      return { kind: 'active', facts: verified };
    },
  };
}
