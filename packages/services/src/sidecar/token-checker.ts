import type { CacheClient } from '../kit/clients/cache-client.js';
import type { Telemetry } from '../kit/telemetry.js';
import { introspectOr, type Introspection } from '../kit/token-cache/introspection.js';
import type { AccessTokenVerifier } from '../kit/token-cache/access-token-verifier.js';
import type { TokenFacts } from '../kit/token-cache/token-facts.js';
import { createTokenStates } from '../kit/token-cache/token-states.js';
import type { TokenVerdicts } from '../kit/token-cache/token-verdicts.js';
import type { TraceContext } from '../kit/trace.js';
import { sidecarErrors } from './errors.js';

/** Where a sidecar verdict came from: its own cache, the global cache, auth, or the token's own signature and claims (refused before any cache). */
export type VerdictSource = 'local' | 'cache' | 'auth' | 'signature';

/** The sidecar's answer to `POST /check`. */
export type SidecarVerdict =
  | { readonly active: true; readonly sub: string; readonly username: string; readonly jti: string; readonly exp: number; readonly source: VerdictSource }
  /** `forged`: the global cache's entry for the token's jti was not written by auth for it (see TokenStates). */
  | { readonly active: false; readonly source: VerdictSource; readonly forged?: true };

/** Options of createTokenChecker. */
export interface TokenCheckerOptions {
  /** The in-process verdicts and revoked jtis (the bus feeds them elsewhere). */
  readonly verdicts: TokenVerdicts;
  /** Checks signatures and claims with auth's key before any cache is asked. */
  readonly verifier: AccessTokenVerifier;
  /** The global cache: read only (auth writes it). */
  readonly cache: Pick<CacheClient, 'get'>;
  /** Auth's introspection, telling auth of the global cache's miss (auth writes the state back). */
  readonly introspection: Introspection;
  readonly telemetry: Telemetry;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/** Answers "is this token valid, for whom". */
export interface TokenChecker {
  /** Throws SIDECAR_AUTH_UNAVAILABLE when a verdict needed auth and auth did not answer. */
  check(token: string, trace: TraceContext): Promise<SidecarVerdict>;
}

/**
 * The sidecar's lookup order: its own verdicts (keyed by the token's hash); then the token's
 * signature and claims, checked with auth's key (a token auth did not sign is refused before any
 * cache is asked: the global cache answers revocation, never authenticity); then, unless
 * revocations may be missed, the global cache (`token:<jti>`, which auth writes before it
 * answers a logout); then auth's introspection, filling its own verdicts (auth writes the global
 * cache back itself). While the bus is degraded the global cache is skipped and auth decides
 * (see TokenVerdicts for the fallback-TTL rule).
 */
export function createTokenChecker(options: TokenCheckerOptions): TokenChecker {
  const { verdicts, introspection } = options;
  const clock = options.clock ?? Date.now;
  const states = createTokenStates({
    cache: options.cache,
    telemetry: options.telemetry,
    mode: 'sidecar',
    events: { degraded: 'sidecar.cache.degraded', restored: 'sidecar.cache.restored' },
    clock,
  });
  const accepted = (facts: TokenFacts, source: VerdictSource): SidecarVerdict => ({ active: true, sub: facts.sub, username: facts.username, jti: facts.jti, exp: facts.exp, source });

  async function askAuth(token: string, verified: TokenFacts, trace: TraceContext): Promise<SidecarVerdict> {
    const facts = await introspectOr(introspection, token, trace, sidecarErrors.SIDECAR_AUTH_UNAVAILABLE);
    // A revocation may have arrived while auth was being asked.
    if (!facts || facts.jti !== verified.jti || verdicts.isRevoked(facts.jti)) return { active: false, source: 'auth' };
    verdicts.remember(token, facts);
    return accepted(facts, 'auth');
  }

  return {
    async check(token, trace) {
      const cached = verdicts.get(token);
      if (cached) return accepted(cached, 'local');
      const verified = await options.verifier.verify(token, trace);
      if (!verified) return { active: false, source: 'signature' };
      if (verdicts.isRevoked(verified.jti)) return { active: false, source: 'local' };
      if (!verdicts.degraded) {
        const state = await states.lookup(token, verified, trace);
        if (state.kind === 'refused') return { active: false, source: 'cache', ...(state.forged ? { forged: true } : {}) };
        if (state.kind === 'active' && verdicts.isRevoked(verified.jti)) return { active: false, source: 'cache' };
        if (state.kind === 'active') {
          verdicts.remember(token, state.facts);
          return accepted(state.facts, 'cache');
        }
      }
      return askAuth(token, verified, trace);
    },
  };
}
