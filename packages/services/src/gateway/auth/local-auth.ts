import type { BusClient } from '../../kit/clients/bus-client.js';
import type { Telemetry } from '../../kit/telemetry.js';
import { introspectOr, type Introspection } from '../../kit/token-cache/introspection.js';
import { followRevocations } from '../../kit/token-cache/revocation-feed.js';
import type { TokenCacheSettings } from '../../kit/token-cache/settings.js';
import type { TokenFacts } from '../../kit/token-cache/token-facts.js';
import { createTokenVerdicts } from '../../kit/token-cache/token-verdicts.js';
import type { TraceContext } from '../../kit/trace.js';
import { gatewayErrors } from '../errors.js';
import type { AuthMode, TokenCheck } from './auth-mode.js';
import type { AccessTokenVerifier } from '../../kit/token-cache/access-token-verifier.js';

/** Options of createLocalAuth. */
export interface LocalAuthOptions {
  /** Checks signatures against auth's key set. */
  readonly verifier: AccessTokenVerifier;
  /** Auth's introspection, for what the bus may not have told. */
  readonly introspection: Introspection;
  /** Where `token.revoked` arrives. */
  readonly bus: Pick<BusClient, 'subscribe'>;
  readonly telemetry: Telemetry;
  readonly settings: TokenCacheSettings;
  /** Most cached verdicts. @default 10000 */
  readonly maxEntries?: number;
  /** How long the first bus connection may take before it is reported. @default 3000 */
  readonly startGraceMs?: number;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/**
 * Local auth: the gateway verifies the JWT itself (EdDSA, auth's JWKS) and caches the verdict
 * in-process (lru-cache, keyed by the token's SHA-256) for `min(exp, TOPOLAB_AUTH_CACHE_TTL_MS)`;
 * revocations arrive on the bus (`token.revoked`) and are refused at once, cached or not.
 *
 * Auth is asked (introspection) only when the bus cannot vouch: for a token issued before the
 * current unbroken revocation stream began (this mode just started, or messages were lost), and
 * for every token while the bus is disconnected (or settling after a reconnection). In that
 * degraded state verdicts live only `TOPOLAB_AUTH_FALLBACK_TTL_MS` (1 s by default) before auth
 * is asked again, so a token revoked while the bus is down is refused no later than the
 * fallback TTL after its revocation, and while the bus is silently stalled no later than the
 * bus client's idle timeout (3 s) plus the fallback TTL (see TokenVerdicts for the bounds).
 */
export function createLocalAuth(options: LocalAuthOptions): AuthMode {
  const { verifier, introspection, telemetry, settings } = options;
  const clock = options.clock ?? Date.now;
  const verdicts = createTokenVerdicts({ cacheTtlMs: settings.authCacheTtlMs, fallbackTtlMs: settings.authFallbackTtlMs, clock, ...(options.maxEntries ? { maxEntries: options.maxEntries } : {}) });
  const feed = followRevocations({ bus: options.bus, verdicts, telemetry, mode: 'local', clock, ...(options.startGraceMs === undefined ? {} : { startGraceMs: options.startGraceMs }) });

  const accepted = (facts: TokenFacts, origin: NonNullable<TokenCheck['origin']>): TokenCheck => ({ active: true, userId: facts.sub, token: { jti: facts.jti, exp: facts.exp }, origin });

  const askAuth = (token: string, trace: TraceContext) => introspectOr(introspection, token, trace, gatewayErrors.GATEWAY_AUTH_UNAVAILABLE);


  return {
    name: 'local',
    async check(token, trace) {
      const cached = verdicts.get(token);
      if (cached) return accepted(cached, { cache: 'hit', authSource: 'local' });
      const verified = await verifier.verify(token, trace);
      if (!verified || verdicts.isRevoked(verified.jti)) return { active: false, origin: { cache: 'miss', authSource: 'local' } };
      if (feed.knowsHistoryOf(verified.iat)) {
        verdicts.remember(token, verified);
        return accepted(verified, { cache: 'miss', authSource: 'local' });
      }
      const facts = await askAuth(token, trace);
      // A revocation may have arrived while auth was being asked.
      if (!facts || facts.jti !== verified.jti || verdicts.isRevoked(facts.jti)) return { active: false, origin: { cache: 'miss', authSource: 'auth' } };
      verdicts.remember(token, facts);
      return accepted(facts, { cache: 'miss', authSource: 'auth' });
    },
    quiet: () => feed.quiet(),
    close: () => feed.close(),
  };
}
