import { LRUCache } from 'lru-cache';
import { defaultAuthCacheTtlMs, defaultAuthFallbackTtlMs } from './settings.js';
import { hashToken, type TokenFacts } from './token-facts.js';

/** Options of createTokenVerdicts. */
export interface TokenVerdictsOptions {
  /** Lifetime of a verdict while revocations flow. @default 60000 */
  readonly cacheTtlMs?: number;
  /** Lifetime of a verdict while degraded (revocations may be missed). @default 1000 */
  readonly fallbackTtlMs?: number;
  /** Most verdicts kept (least recently used go first). @default 10000 */
  readonly maxEntries?: number;
  /** Most revoked jtis remembered (each only until its exp anyway). @default 100000 */
  readonly maxRevoked?: number;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/**
 * An in-process cache of verdicts on access tokens plus the set of revoked jtis, shared by the
 * gateway's `local` mode and the sidecar.
 *
 * - Verdicts are keyed by the SHA-256 of the token (never the token) and only active ones are kept.
 * - A verdict lives `min(token exp, cacheTtlMs)` from the moment it was checked.
 * - A revoked jti is refused at once, cached or not, until its exp.
 * - **Fallback-TTL rule**: while degraded (the revocation feed is not known to be complete:
 *   bus disconnected, messages lost, not yet connected, or settling after a reconnection), a
 *   verdict counts only for `fallbackTtlMs` after it was checked — whenever it was cached — and
 *   new ones are cached for no longer; the owner then re-checks the token with auth
 *   (introspection), which knows every revocation.
 *
 * **Documented bounds** (defaults: fallback TTL 1 s, bus client idle timeout 3 s, bus
 * keep-alive 1 s): a token revoked while the bus is down (connections refused or reset: noticed
 * at once) is accepted at most `fallbackTtlMs` after its revocation; one revoked while the bus
 * is silently stalled (SIGSTOP: the connection stays open, nothing arrives) at most idle timeout
 * + `fallbackTtlMs` (3 s + 1 s) after it, since the stall is noticed only when the keep-alives
 * have been missing for the idle timeout. After the bus is back the feed stays degraded for its
 * settle period (3 s) while auth's outbox retries any revocation it could not publish.
 * Not covered: auth unable to publish while subscribers still reach the bus (its outbox
 * retries until the token's exp), and a restarted bus whose seqs have already grown past the
 * subscriber's (no epoch to tell it restarted).
 */
export interface TokenVerdicts {
  /** The facts of `token` if an unexpired verdict is cached and its jti is not revoked. */
  get(token: string): TokenFacts | undefined;
  /** Caches an active verdict on `token` (ignored when its jti is revoked or it has expired). */
  remember(token: string, facts: TokenFacts): void;
  /** Marks `jti` revoked until `exp` (epoch seconds) and drops the verdicts that carry it. */
  revoke(jti: string, exp: number): void;
  isRevoked(jti: string): boolean;
  /** Whether the fallback-TTL rule is in force. */
  readonly degraded: boolean;
  setDegraded(degraded: boolean): void;
  /** Forgets every verdict (the revoked set stays). */
  clear(): void;
  /** Verdicts held now (expired ones included until evicted). */
  readonly size: number;
}

interface Verdict {
  readonly facts: TokenFacts;
  /** Epoch ms when the verdict was established. */
  readonly checkedAt: number;
  /** Epoch ms after which it is stale whatever the state. */
  readonly expiresAt: number;
}

/** Creates an empty verdict cache (not degraded). */
export function createTokenVerdicts(options: TokenVerdictsOptions = {}): TokenVerdicts {
  const clock = options.clock ?? Date.now;
  const cacheTtlMs = options.cacheTtlMs ?? defaultAuthCacheTtlMs;
  const fallbackTtlMs = options.fallbackTtlMs ?? defaultAuthFallbackTtlMs;
  // Expiry is checked against the injected clock here, so the LRU only bounds the size.
  const verdicts = new LRUCache<string, Verdict>({ max: options.maxEntries ?? 10_000 });
  const revoked = new LRUCache<string, number>({ max: options.maxRevoked ?? 100_000 });
  let degraded = false;

  function isRevoked(jti: string): boolean {
    const until = revoked.get(jti);
    if (until === undefined) return false;
    if (clock() < until) return true;
    revoked.delete(jti);
    return false;
  }

  function isFresh(verdict: Verdict, now: number): boolean {
    if (now >= verdict.expiresAt) return false;
    if (degraded && now >= verdict.checkedAt + fallbackTtlMs) return false;
    return !isRevoked(verdict.facts.jti);
  }

  return {
    get(token) {
      const key = hashToken(token);
      const verdict = verdicts.get(key);
      if (!verdict) return undefined;
      if (isFresh(verdict, clock())) return verdict.facts;
      verdicts.delete(key);
      return undefined;
    },
    remember(token, facts) {
      const now = clock();
      if (isRevoked(facts.jti)) return;
      const expiresAt = Math.min(facts.exp * 1000, now + (degraded ? fallbackTtlMs : cacheTtlMs));
      if (expiresAt <= now) return;
      verdicts.set(hashToken(token), { facts, checkedAt: now, expiresAt });
    },
    revoke(jti, exp) {
      const until = exp * 1000;
      if (until > clock()) revoked.set(jti, until);
      // Revocations are rare (logout, reuse), so a scan keeps the cache free of a second index.
      for (const [key, verdict] of verdicts.entries()) if (verdict.facts.jti === jti) verdicts.delete(key);
    },
    isRevoked,
    get degraded() {
      return degraded;
    },
    setDegraded(next) {
      degraded = next;
    },
    clear: () => verdicts.clear(),
    get size() {
      return verdicts.size;
    },
  };
}
