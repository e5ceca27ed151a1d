import type { CacheClient } from '../kit/clients/cache-client.js';
import type { Telemetry } from '../kit/telemetry.js';
import { IntrospectionUnavailableError, type Introspection } from '../kit/token-cache/introspection.js';
import { decodeUnverified, type TokenFacts } from '../kit/token-cache/token-facts.js';
import { createTokenStates } from '../kit/token-cache/token-states.js';
import type { TokenVerdicts } from '../kit/token-cache/token-verdicts.js';
import type { TraceContext } from '../kit/trace.js';
import { sidecarErrors } from './errors.js';

/** Where a sidecar verdict came from: its own cache, the global cache, or auth. */
export type VerdictSource = 'local' | 'cache' | 'auth';

/** The sidecar's answer to `POST /check`. */
export type SidecarVerdict =
  | { readonly active: true; readonly sub: string; readonly username: string; readonly exp: number; readonly source: VerdictSource }
  /** `forged`: the token copies the jti of a live token it is not (see TokenStates). */
  | { readonly active: false; readonly source: VerdictSource; readonly forged?: true };

/** Options of createTokenChecker. */
export interface TokenCheckerOptions {
  /** The in-process verdicts and revoked jtis (the bus feeds them elsewhere). */
  readonly verdicts: TokenVerdicts;
  readonly cache: Pick<CacheClient, 'get' | 'setIfAbsent'>;
  readonly introspection: Introspection;
  readonly telemetry: Telemetry;
  /** Longest life of a global-cache entry the sidecar writes after asking auth (never past exp). */
  readonly fillTtlMs: number;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/** Answers "is this token valid, for whom". */
export interface TokenChecker {
  /** Throws SIDECAR_AUTH_UNAVAILABLE when a verdict needed auth and auth did not answer. */
  check(token: string, trace: TraceContext): Promise<SidecarVerdict>;
}

/**
 * The sidecar's lookup order: its own verdicts (keyed by the token's hash); then, unless
 * revocations may be missed, the global cache (`token:<jti>`, which auth writes before it
 * answers a logout, and whose active entry vouches only for the token with its `tokenHash`:
 * a forgery with a live jti is refused as `forged`); then auth's introspection, filling both
 * (the global cache only if the key is still absent, so a logout written meanwhile wins). While
 * the bus is degraded the global cache is skipped and auth decides (see TokenVerdicts for the
 * fallback-TTL rule).
 */
export function createTokenChecker(options: TokenCheckerOptions): TokenChecker {
  const { verdicts, introspection } = options;
  const clock = options.clock ?? Date.now;
  const states = createTokenStates({
    cache: options.cache,
    telemetry: options.telemetry,
    mode: 'sidecar',
    events: { degraded: 'sidecar.cache.degraded', restored: 'sidecar.cache.restored' },
    fillTtlMs: options.fillTtlMs,
    clock,
  });
  const accepted = (facts: TokenFacts, source: VerdictSource): SidecarVerdict => ({ active: true, sub: facts.sub, username: facts.username, exp: facts.exp, source });

  async function askAuth(token: string, trace: TraceContext): Promise<SidecarVerdict> {
    let facts;
    try {
      facts = await introspection.introspect(token, trace);
    } catch (error) {
      if (error instanceof IntrospectionUnavailableError) throw sidecarErrors.SIDECAR_AUTH_UNAVAILABLE({ cause: error });
      throw error;
    }
    // A revocation may have arrived while auth was being asked.
    if (!facts || verdicts.isRevoked(facts.jti)) return { active: false, source: 'auth' };
    verdicts.remember(token, facts);
    states.fill(token, facts, trace);
    return accepted(facts, 'auth');
  }

  return {
    async check(token, trace) {
      const cached = verdicts.get(token);
      if (cached) return accepted(cached, 'local');
      const claims = decodeUnverified(token);
      if (!claims || claims.exp * 1000 <= clock() || verdicts.isRevoked(claims.jti)) return { active: false, source: 'local' };
      if (!verdicts.degraded) {
        const state = await states.lookup(token, claims, trace);
        if (state.kind === 'refused') return { active: false, source: 'cache', ...(state.forged ? { forged: true } : {}) };
        if (state.kind === 'active' && verdicts.isRevoked(claims.jti)) return { active: false, source: 'cache' };
        if (state.kind === 'active') {
          verdicts.remember(token, state.facts);
          return accepted(state.facts, 'cache');
        }
      }
      return askAuth(token, trace);
    },
  };
}
