import { createHmac, randomBytes } from 'node:crypto';
import { authErrors } from './errors.js';
import type { AuthStore } from './store.js';

/**
 * Recovery codes: the look-up secrets (NIST SP 800-63B-4 §3.1.2) that stand in for the
 * authenticator when the phone is lost (OWASP ASVS 4.0.3 §2.6.1-2.6.3).
 *
 * - 10 per user, made at `POST /auth/totp/confirm` (and `POST /auth/totp/recovery-codes`,
 *   which replaces the whole set) from `crypto.randomBytes` (a CSPRNG, ASVS §2.6.2): 120 bits
 *   each, written as 24 Crockford base32 characters in groups of 4 (`7k2m-…`).
 * - Shown once, in that answer; kept only as HMAC-SHA256 of user id and code under a key every
 *   auth instance shares (`recovery-hmac-key` in `secrets`). A fast keyed hash is enough for a
 *   random secret of ≥ 112 bits (SP 800-63B-4 §3.1.2.2; a password hash buys nothing here, and
 *   the same file holds the TOTP secret itself), and it lets a code be found by its hash: one
 *   HMAC per attempt, not ten password hashes.
 * - Each works once; a refused one counts as a failed login of the account (login-throttle.ts).
 */
export const recoveryCodePolicy = Object.freeze({
  count: 10,
  /** 120 bits of CSPRNG output per code. */
  bytes: 15,
  groupSize: 4,
});

// Crockford's base32: no I, L, O, U, so a code read aloud or typed from paper is not misread.
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
const codeLength = (recoveryCodePolicy.bytes * 8) / 5;

/** A new recovery code, e.g. `7k2m-9xq4-…` (6 groups of 4). */
export function createRecoveryCode(): string {
  const bytes = randomBytes(recoveryCodePolicy.bytes);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += alphabet[(value >> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return out.match(new RegExp(`.{${recoveryCodePolicy.groupSize}}`, 'g'))!.join('-');
}

/**
 * The canonical form of a typed code: lower case, without dashes or spaces, with Crockford's
 * look-alikes (`i`/`l` → `1`, `o` → `0`) mapped; undefined when it cannot be a code.
 */
export function normalizeRecoveryCode(typed: string): string | undefined {
  const plain = typed.toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
  return plain.length === codeLength && [...plain].every((c) => alphabet.includes(c)) ? plain : undefined;
}

/** A user's recovery codes. */
export interface RecoveryCodes {
  /** Replaces the user's codes with a new set and returns it, to be shown once. Call inside the caller's transaction. */
  issue(userId: string, now: number): string[];
  /**
   * Spends `code` of `userId` and returns how many unused codes remain. Throws
   * AUTH_RECOVERY_CODE_USED (only for a right code) or AUTH_RECOVERY_CODE_INVALID; a refusal writes nothing.
   */
  use(userId: string, code: string, now: number): number;
  /** How many unused codes the user has. */
  left(userId: string): number;
}

/** Creates the code keeper; the HMAC key is shared by every instance through the database. */
export function createRecoveryCodes(store: AuthStore, now: number): RecoveryCodes {
  const key = Buffer.from(store.ensureSecret('recovery-hmac-key', () => randomBytes(32).toString('base64url'), now), 'base64url');
  const hash = (userId: string, plain: string) => createHmac('sha256', key).update(`${userId}\n${plain}`).digest('base64url');

  return {
    issue(userId, issuedAt) {
      const codes = Array.from({ length: recoveryCodePolicy.count }, createRecoveryCode);
      store.recovery.replace(userId, codes.map((code) => hash(userId, normalizeRecoveryCode(code)!)), issuedAt);
      return codes;
    },
    use(userId, code, usedAt) {
      const plain = normalizeRecoveryCode(code);
      return store.transaction(() => {
        const outcome = plain === undefined ? 'invalid' : store.recovery.use(userId, hash(userId, plain), usedAt);
        if (outcome === 'used') throw authErrors.AUTH_RECOVERY_CODE_USED();
        if (outcome === 'invalid') throw authErrors.AUTH_RECOVERY_CODE_INVALID();
        return store.recovery.left(userId);
      });
    },
    left: (userId) => store.recovery.left(userId),
  };
}
