import { busTopics, type TokenRevokedEvent, type UserVerifiedEvent } from '../contract/bus-api.js';
import { tokenStateKey, type TokenState } from '../contract/cache-api.js';
import type { BusClient } from '../kit/clients/bus-client.js';
import type { CacheClient } from '../kit/clients/cache-client.js';
import type { Telemetry } from '../kit/telemetry.js';
import type { TraceContext } from '../kit/trace.js';
import { createOutbox, type Outbox, type OutboxOptions } from './outbox.js';

/** The bus as auth uses it: publishing only. */
export type AuthBus = Pick<BusClient, 'publish'>;
/** The global cache as auth uses it: writing token states (conditionally only when retrying an `active` one). */
export type AuthCache = Pick<CacheClient, 'set' | 'setIfAbsent'>;

/** An access token auth just issued. */
export interface IssuedToken {
  readonly jti: string;
  readonly userId: string;
  readonly username: string;
  /** Epoch seconds. */
  readonly exp: number;
  /** SHA-256 (base64url) of the signed token string, so readers of the cache can tell it from a forgery. */
  readonly tokenHash: string;
}

/** An access token auth just revoked. */
export interface RevokedToken {
  readonly jti: string;
  readonly userId: string;
  /** Epoch seconds. */
  readonly exp: number;
}

/** What auth tells the rest of the topology about tokens and users. Never rejects: a failure is logged, reported and retried. */
export interface TokenEvents {
  /** Writes `token:<jti>` = `{ active: true, sub, username, exp, tokenHash }` until exp. */
  issued(token: IssuedToken, trace: TraceContext): Promise<void>;
  /**
   * Writes `token:<jti>` = `{ active: true, … }` again when the cache no longer holds it (it
   * restarted, or evicted it), after a gateway or sidecar had to introspect. Only if still absent
   * (a revocation written meanwhile wins); best effort, not retried: the next miss asks again.
   * Auth is the only writer of token states (gateways and sidecars may only read them).
   */
  refilled(token: IssuedToken, trace: TraceContext): void;
  /** For each token: writes `{ active: false, exp }` until exp and publishes `token.revoked` `{ jti, userId, exp }`. */
  revoked(tokens: readonly RevokedToken[], trace: TraceContext): Promise<void>;
  /** Publishes `user.verified` `{ userId }` (once: nobody depends on it yet). */
  verified(userId: string, trace: TraceContext): Promise<void>;
  /** Stops retrying; what is still pending is dropped and reported. */
  close(): void;
}

/** Options of createTokenEvents. */
export interface TokenEventsOptions {
  readonly bus: AuthBus;
  readonly cache: AuthCache;
  readonly telemetry: Telemetry;
  /** Epoch ms now. */
  readonly clock: () => number;
  /** Retry timing and bound of the outbox. @default 200 ms doubling to 2 s, 10000 items */
  readonly outbox?: Pick<OutboxOptions, 'minDelayMs' | 'maxDelayMs' | 'maxItems'>;
}

/**
 * Creates auth's publisher. Bus and cache are best effort for the request: it never fails
 * because of them; each failure is a warning and an event `auth.publish.failed`
 * `{ what, userId, reason }` (never a token). Callers await it after committing, so the cache
 * holds `{ active: false }` before a logout is answered when the cache is up.
 *
 * A failed token-state write or `token.revoked` publish goes to an in-memory outbox and is
 * retried (200 ms → 2 s) until it succeeds or the token expires (see createOutbox). Writes of
 * one jti supersede each other (a revocation cancels a pending `active` retry), and a retried
 * `active` write is conditional (`setIfAbsent`), so a retry never undoes a revocation.
 */
export function createTokenEvents(options: TokenEventsOptions): TokenEvents {
  const { bus, cache, telemetry, clock } = options;
  const outbox: Outbox = createOutbox({ telemetry, clock, ...options.outbox });

  interface Delivery {
    readonly key: string;
    readonly what: string;
    readonly userId: string;
    /** Epoch seconds of the token's exp. */
    readonly exp: number;
    readonly send: (trace?: TraceContext) => Promise<unknown>;
    /** The retry, when it differs from the first attempt. @default send */
    readonly resend?: () => Promise<unknown>;
  }

  async function deliver(delivery: Delivery, trace: TraceContext): Promise<void> {
    const { key, what, userId } = delivery;
    outbox.cancel(key);
    try {
      await delivery.send(trace);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      telemetry.event('auth.publish.failed', { what, userId, reason });
      telemetry.warn('token state not published; retrying', { what, userId, reason });
      outbox.add({ key, what, userId, expiresAt: delivery.exp * 1000, send: delivery.resend ?? (() => delivery.send()) });
    }
  }

  const ttlUntil = (exp: number) => exp * 1000 - clock();
  const cacheKey = (jti: string) => `cache:${jti}`;

  return {
    async issued(token, trace) {
      if (ttlUntil(token.exp) <= 0) return;
      const key = tokenStateKey(token.jti);
      const state: TokenState = { active: true, sub: token.userId, username: token.username, exp: token.exp, tokenHash: token.tokenHash };
      await deliver(
        {
          key: cacheKey(token.jti),
          what: 'cache.active',
          userId: token.userId,
          exp: token.exp,
          send: (t) => cache.set(key, state, ttlUntil(token.exp), t),
          resend: () => cache.setIfAbsent(key, state, ttlUntil(token.exp)),
        },
        trace,
      );
    },
    refilled(token, trace) {
      const ttlMs = ttlUntil(token.exp);
      if (ttlMs <= 0) return;
      const state: TokenState = { active: true, sub: token.userId, username: token.username, exp: token.exp, tokenHash: token.tokenHash };
      cache.setIfAbsent(tokenStateKey(token.jti), state, ttlMs, trace).then(
        (written) => written && telemetry.debug('token state written again after a miss', { userId: token.userId, jti: token.jti }),
        (error: unknown) => telemetry.debug('token state not written again', { userId: token.userId, reason: error instanceof Error ? error.message : String(error) }),
      );
    },
    async revoked(tokens, trace) {
      const live = tokens.filter((token) => ttlUntil(token.exp) > 0);
      await Promise.all(
        live.flatMap((token) => {
          const state: TokenState = { active: false, exp: token.exp };
          const event: TokenRevokedEvent = { jti: token.jti, userId: token.userId, exp: token.exp };
          const common = { userId: token.userId, exp: token.exp };
          return [
            deliver({ ...common, key: cacheKey(token.jti), what: 'cache.revoked', send: (t) => cache.set(tokenStateKey(token.jti), state, ttlUntil(token.exp), t) }, trace),
            deliver({ ...common, key: `bus:${token.jti}`, what: busTopics.tokenRevoked, send: (t) => bus.publish(busTopics.tokenRevoked, event, t) }, trace),
          ];
        }),
      );
    },
    async verified(userId, trace) {
      const event: UserVerifiedEvent = { userId };
      try {
        await bus.publish(busTopics.userVerified, event, trace);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        telemetry.event('auth.publish.failed', { what: busTopics.userVerified, userId, reason });
        telemetry.warn('token state not published', { what: busTopics.userVerified, userId, reason });
      }
    },
    close: () => outbox.close(),
  };
}

/** Converts revoked access records (expiry in epoch ms) to the tokens to announce. */
export function toRevokedTokens(records: readonly { jti: string; userId: string; expiresAt: number }[]): RevokedToken[] {
  return records.map((record) => ({ jti: record.jti, userId: record.userId, exp: Math.floor(record.expiresAt / 1000) }));
}
