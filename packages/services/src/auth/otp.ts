import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { authErrors } from './errors.js';
import type { CodeRecord, OtpPurpose } from './records.js';
import type { AuthStore } from './store.js';

/** The rules of one-time codes. */
export const otpPolicy = Object.freeze({
  /** A code works for 5 minutes. */
  ttlMs: 5 * 60_000,
  /** Wrong attempts after which a code is dead. */
  maxAttempts: 5,
  /** At most `maxPerWindow` codes per user and purpose in any `windowMs`. */
  maxPerWindow: 5,
  windowMs: 15 * 60_000,
});

/** One-time codes: issued under a rate limit, kept only as HMACs, accepted once. */
export interface OtpCodes {
  /**
   * Stores a new code for `userId` and `purpose` (older pending ones become superseded) and
   * returns it, to be sent and then forgotten. Throws AUTH_OTP_TOO_MANY with `Retry-After`.
   * Runs in its own transaction, or inside the caller's.
   */
  issue(userId: string, purpose: OtpPurpose, now: number): string;
  /** Whether the newest code of `userId` and `purpose` is still waiting to be used. */
  hasPending(userId: string, purpose: OtpPurpose): boolean;
  /**
   * Checks `code` against the newest code and, when it matches, marks it used and runs
   * `accept` in the same transaction. Throws AUTH_OTP_INVALID / _EXHAUSTED / _EXPIRED / _USED.
   */
  verify<T>(userId: string, purpose: OtpPurpose, code: string, now: number, accept: () => T): T;
}

type Refusal = 'AUTH_OTP_INVALID' | 'AUTH_OTP_EXHAUSTED' | 'AUTH_OTP_EXPIRED' | 'AUTH_OTP_USED';

/** Creates the code keeper; the HMAC key is shared by every instance through the database. */
export function createOtpCodes(store: AuthStore, now: number): OtpCodes {
  const key = Buffer.from(store.ensureSecret('otp-hmac-key', () => randomBytes(32).toString('base64url'), now), 'base64url');
  const hashCode = (userId: string, purpose: OtpPurpose, code: string) =>
    createHmac('sha256', key).update(`${userId}\n${purpose}\n${code}`).digest();

  function judge(row: CodeRecord | undefined, presented: Buffer, now: number): Refusal | 'accept' {
    if (!row) return 'AUTH_OTP_INVALID';
    const matches = timingSafeEqual(Buffer.from(row.codeHash, 'base64url'), presented);
    // Only the holder of the right code learns that it was used already.
    if (row.usedAt !== null || row.supersededAt !== null) return matches ? 'AUTH_OTP_USED' : 'AUTH_OTP_INVALID';
    if (row.attempts >= otpPolicy.maxAttempts) return 'AUTH_OTP_EXHAUSTED';
    if (row.expiresAt <= now) return 'AUTH_OTP_EXPIRED';
    return matches ? 'accept' : 'AUTH_OTP_INVALID';
  }

  return {
    issue(userId, purpose, now) {
      return store.transaction(() => {
        const window = store.codesSince(userId, purpose, now - otpPolicy.windowMs);
        if (window.count >= otpPolicy.maxPerWindow) {
          const waitMs = (window.oldest ?? now) + otpPolicy.windowMs - now;
          throw authErrors.AUTH_OTP_TOO_MANY({ headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) } });
        }
        const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
        store.supersedeCodes(userId, purpose, now);
        store.insertCode({
          userId,
          purpose,
          codeHash: hashCode(userId, purpose, code).toString('base64url'),
          createdAt: now,
          expiresAt: now + otpPolicy.ttlMs,
        });
        return code;
      });
    },
    hasPending(userId, purpose) {
      const row = store.latestCode(userId, purpose);
      return row !== undefined && row.usedAt === null;
    },
    verify<T>(userId: string, purpose: OtpPurpose, code: string, now: number, accept: () => T): T {
      const presented = hashCode(userId, purpose, code);
      const outcome = store.transaction((): { refusal: Refusal } | { value: T } => {
        const row = store.latestCode(userId, purpose);
        const verdict = judge(row, presented, now);
        if (verdict !== 'accept') {
          if (verdict === 'AUTH_OTP_INVALID' && row && row.usedAt === null && row.expiresAt > now) store.recordFailedAttempt(row.id);
          return { refusal: verdict };
        }
        store.markCodeUsed(row!.id, now);
        return { value: accept() };
      });
      if ('refusal' in outcome) throw authErrors[outcome.refusal]();
      return outcome.value;
    },
  };
}
