import type { CacheClient } from '../../kit/clients/cache-client.js';
import type { Telemetry } from '../../kit/telemetry.js';
import { introspectOr, type Introspection } from '../../kit/token-cache/introspection.js';
import { createTokenStates } from '../../kit/token-cache/token-states.js';
import { gatewayErrors } from '../errors.js';
import type { AuthMode, TokenCheck, VerdictOrigin } from './auth-mode.js';
import type { AccessTokenVerifier } from '../../kit/token-cache/access-token-verifier.js';

/** Options of createGlobalAuth. */
export interface GlobalAuthOptions {
  /** Checks the token's signature and claims first (auth's key; the global cache cannot vouch for authenticity). */
  readonly verifier: AccessTokenVerifier;
  /** The global cache, where auth (and only auth) writes `token:<jti>`. */
  readonly cache: Pick<CacheClient, 'get'>;
  /** Auth's introspection, on a miss or while the cache is down (it tells auth of the miss, and auth writes the state back). */
  readonly introspection: Introspection;
  readonly telemetry: Telemetry;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/**
 * Global auth: the gateway checks the JWT itself first — EdDSA signature with auth's key,
 * `typ`, issuer, audience, expiry (a verified token is remembered until it expires) — so a token
 * auth did not sign is refused before any cache is asked, whatever the cache holds. Then every
 * request asks the global cache for `token:<jti>`: the cache answers revocation, never
 * authenticity. `{ active: false }` (a logout) refuses; an active entry accepts only the token
 * with its `tokenHash`; a miss asks auth's introspection, and auth writes the entry back (the
 * gateway may only read the cache). When the cache fails the gateway introspects instead (event
 * `gateway.auth.degraded`, later `gateway.auth.restored`), so a stopped cache costs latency
 * and load on auth, never a wrong verdict.
 */
export function createGlobalAuth(options: GlobalAuthOptions): AuthMode {
  const { introspection, verifier } = options;
  const clock = options.clock ?? Date.now;
  const states = createTokenStates({ cache: options.cache, telemetry: options.telemetry, mode: 'global', clock });
  const refused = (origin: VerdictOrigin): TokenCheck => ({ active: false, origin });

  return {
    name: 'global',
    async check(token, trace) {
      const verified = await verifier.verify(token, trace);
      if (!verified) return refused({ authSource: 'local' });
      const state = await states.lookup(token, verified, trace);
      if (state.kind === 'refused') return refused({ cache: 'hit', authSource: 'cache', ...(state.forged ? { forged: true } : {}) });
      const accepted = { jti: verified.jti, exp: verified.exp };
      if (state.kind === 'active') return { active: true, userId: verified.sub, token: accepted, origin: { cache: 'hit', authSource: 'cache' } };
      const facts = await introspectOr(introspection, token, trace, gatewayErrors.GATEWAY_AUTH_UNAVAILABLE);
      if (!facts || facts.jti !== verified.jti || facts.sub !== verified.sub) return refused({ cache: 'miss', authSource: 'auth' });
      return { active: true, userId: facts.sub, token: accepted, origin: { cache: 'miss', authSource: 'auth' } };
    },
    close() {},
  };
}
