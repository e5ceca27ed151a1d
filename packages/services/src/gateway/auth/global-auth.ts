import type { CacheClient } from '../../kit/clients/cache-client.js';
import type { Telemetry } from '../../kit/telemetry.js';
import { IntrospectionUnavailableError, type Introspection } from '../../kit/token-cache/introspection.js';
import { decodeUnverified } from '../../kit/token-cache/token-facts.js';
import { createTokenStates } from '../../kit/token-cache/token-states.js';
import { gatewayErrors } from '../errors.js';
import type { AuthMode, TokenCheck, VerdictOrigin } from './auth-mode.js';

/** Options of createGlobalAuth. */
export interface GlobalAuthOptions {
  /** The global cache, where auth writes `token:<jti>`. */
  readonly cache: Pick<CacheClient, 'get' | 'setIfAbsent'>;
  /** Auth's introspection, on a miss or while the cache is down. */
  readonly introspection: Introspection;
  readonly telemetry: Telemetry;
  /** Longest life of an entry this gateway writes after asking auth (never past the token's exp). */
  readonly fillTtlMs: number;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/**
 * Global auth: every request asks the global cache for `token:<jti>` (the jti read from the JWT
 * without trusting it). An active entry vouches only for the exact token auth issued (its
 * SHA-256 is the entry's `tokenHash`), so a token forged with a live jti and sub — `alg: none`
 * or any made-up signature — is refused and marked `forged` (see TokenStates). A miss asks
 * auth's introspection and fills the entry only if it is still absent (a logout wins). When the cache fails the gateway introspects instead
 * (event `gateway.auth.degraded`, later `gateway.auth.restored`), so a stopped cache costs
 * latency and load on auth, never a wrong verdict.
 */
export function createGlobalAuth(options: GlobalAuthOptions): AuthMode {
  const { introspection } = options;
  const clock = options.clock ?? Date.now;
  const states = createTokenStates({ cache: options.cache, telemetry: options.telemetry, mode: 'global', fillTtlMs: options.fillTtlMs, clock });
  const refused = (origin: VerdictOrigin): TokenCheck => ({ active: false, origin });

  return {
    name: 'global',
    async check(token, trace) {
      const claims = decodeUnverified(token);
      if (!claims || claims.exp * 1000 <= clock()) return refused({ cache: 'miss', authSource: 'local' });
      const state = await states.lookup(token, claims, trace);
      if (state.kind === 'refused') return refused({ cache: 'hit', authSource: 'cache', ...(state.forged ? { forged: true } : {}) });
      if (state.kind === 'active') return { active: true, userId: state.facts.sub, origin: { cache: 'hit', authSource: 'cache' } };
      let facts;
      try {
        facts = await introspection.introspect(token, trace);
      } catch (error) {
        if (error instanceof IntrospectionUnavailableError) throw gatewayErrors.GATEWAY_AUTH_UNAVAILABLE({ cause: error });
        throw error;
      }
      if (!facts) return refused({ cache: 'miss', authSource: 'auth' });
      states.fill(token, facts, trace);
      return { active: true, userId: facts.sub, origin: { cache: 'miss', authSource: 'auth' } };
    },
    close() {},
  };
}
