import { backoffCeiling } from '../kit/backoff.js';
import type { SqliteDatabase } from '../kit/sqlite.js';
import { authErrors } from './errors.js';

/**
 * Throttling of failed logins per account (OWASP ASVS 4.0.3 V2.2.1, NIST SP 800-63B-4 §3.2.2
 * rate limiting), in a table every auth instance of the data dir shares.
 *
 * The rule:
 * - Failures are counted per account name, the lower-cased username, whether or not a user has
 *   it, so the throttle answers alike for names with and without an account.
 * - A failure is a wrong password at `POST /auth/login`, `DELETE /auth/me` and a privileged
 *   authenticator change (reauth.ts), and a refused code at `POST /auth/login/verify` (SMS,
 *   authenticator or recovery code), `POST /auth/totp/confirm` and `DELETE /auth/totp`.
 * - The first 5 failures are free. The 6th locks the account for 1 s, and each further one for
 *   twice as long as the one before, up to 15 minutes (6th 1 s, 7th 2 s, 8th 4 s, … 16th on 15 min).
 * - While locked, every attempt answers 429 AUTH_LOGIN_THROTTLED with `Retry-After` (seconds)
 *   before anything is checked: no scrypt is spent, and the attempt is not counted (it says
 *   nothing about the password, and a user retrying too early does not lock themself out longer).
 * - A success resets the count: a completed login (token pair issued), a confirmed authenticator,
 *   an account deletion. A right password at `/auth/login` is no failure but no success either:
 *   the second factor is still to come, so its failures keep adding up.
 * - The count is forgotten 24 h after the last failure.
 *
 * Each attempt is counted as a failure when it starts, in the IMMEDIATE transaction that checks
 * the lock, and taken back (refund) or cleared (success) once it turns out otherwise. So
 * concurrent attempts, on one instance or several, cannot all pass the check before the first
 * failure is stored: past the free ones, one attempt per delay gets to try.
 */
export const loginThrottlePolicy = Object.freeze({
  freeFailures: 5,
  firstDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 24 * 60 * 60_000,
});

/** How long the account is locked after its `failures`-th consecutive failure (0: not locked). */
export function lockDelayMs(failures: number): number {
  const { freeFailures, firstDelayMs, maxDelayMs } = loginThrottlePolicy;
  const over = failures - freeFailures;
  // A published policy, not a retry loop: the ceiling itself, without jitter, so the lock is predictable.
  return over <= 0 ? 0 : backoffCeiling(over - 1, { baseMs: firstDelayMs, maxMs: maxDelayMs });
}

/** One attempt under way, already counted as a failure. Doing nothing leaves it a failure. */
export interface LoginAttempt {
  /** It succeeded: the account's count is reset. */
  succeeded(): void;
  /** It was neither a failure nor a success (a right password before the second factor): it no longer counts. */
  refund(): void;
}

/** What the throttle knows of an account. */
export interface ThrottleState {
  readonly failures: number;
  readonly lastFailureAt: number;
  /** Epoch ms; null when not locked. */
  readonly lockedUntil: number | null;
}

/** The failed-login counts of every account name. */
export interface LoginThrottle {
  /**
   * Starts an attempt on `account` (any spelling; counted lower-cased): throws AUTH_LOGIN_THROTTLED
   * with `Retry-After` while the account is locked, otherwise counts the attempt as a failure.
   */
  attempt(account: string, now: number): LoginAttempt;
  /** The count of `account`, if any is remembered at `now`. */
  state(account: string, now: number): ThrottleState | undefined;
}

/** Prepares the throttle on auth's connection; `transaction` is the store's IMMEDIATE one. */
export function createLoginThrottle(db: SqliteDatabase, transaction: <T>(fn: () => T) => T): LoginThrottle {
  const statements = {
    forget: db.prepare('DELETE FROM login_throttle WHERE last_failure_at <= ?'),
    state: db.prepare<[string], ThrottleState>(
      'SELECT failures, last_failure_at AS lastFailureAt, locked_until AS lockedUntil FROM login_throttle WHERE account = ?',
    ),
    count: db.prepare(
      `INSERT INTO login_throttle (account, failures, last_failure_at, locked_until) VALUES (@account, @failures, @now, @lockedUntil)
       ON CONFLICT (account) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until`,
    ),
    reset: db.prepare('DELETE FROM login_throttle WHERE account = ?'),
    // The lock this attempt set is lifted; one set meanwhile by another attempt stays.
    refund: db.prepare(
      `UPDATE login_throttle SET failures = MAX(failures - 1, 0),
       locked_until = CASE WHEN locked_until IS @lockedUntil THEN NULL ELSE locked_until END WHERE account = @account`,
    ),
  };
  const remembered = (account: string, now: number) => {
    const row = statements.state.get(account);
    return row && row.lastFailureAt > now - loginThrottlePolicy.forgetAfterMs ? row : undefined;
  };

  return {
    attempt(name, now) {
      const account = name.toLowerCase();
      const lockedUntil = transaction(() => {
        statements.forget.run(now - loginThrottlePolicy.forgetAfterMs);
        const row = remembered(account, now);
        if (row?.lockedUntil != null && row.lockedUntil > now) {
          const retryAfterS = Math.max(1, Math.ceil((row.lockedUntil - now) / 1000));
          throw authErrors.AUTH_LOGIN_THROTTLED({ headers: { 'retry-after': String(retryAfterS) } });
        }
        const failures = (row?.failures ?? 0) + 1;
        const delay = lockDelayMs(failures);
        const until = delay > 0 ? now + delay : null;
        statements.count.run({ account, failures, now, lockedUntil: until });
        return until;
      });
      return {
        succeeded: () => void statements.reset.run(account),
        refund: () => void statements.refund.run({ account, lockedUntil }),
      };
    },
    state: (name, now) => remembered(name.toLowerCase(), now),
  };
}
