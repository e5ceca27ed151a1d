import type { SqliteDatabase } from '../kit/sqlite.js';
import type { LoginChallenge, TotpCredential } from './records.js';

/** Authenticator secrets, their recovery codes and pending login challenges (tables `totp_credentials`, `recovery_codes`, `login_challenges`). */
export interface TotpStore {
  /** The secret of a user, confirmed or pending. */
  credential(userId: string): TotpCredential | undefined;
  /** Whether the user has a confirmed authenticator (login then asks for its code). */
  enabled(userId: string): boolean;
  /** Stores a pending secret, replacing a pending one; false (and nothing changes) when one is confirmed. */
  savePending(userId: string, secret: string, now: number): boolean;
  /** Marks the pending secret confirmed; false when there is none. */
  markConfirmed(userId: string, now: number): boolean;
  /** Records `step` as the last accepted one, at `now`; false when the stored one is not older (a replay). */
  acceptStep(userId: string, step: number, now: number): boolean;
  /** Removes the secret, its recovery codes and any pending login challenge; false when there was no secret. */
  remove(userId: string): boolean;
  /** Opens (or renews) the login challenge of a user until `expiresAt`. */
  openChallenge(userId: string, now: number, expiresAt: number): void;
  challenge(userId: string): LoginChallenge | undefined;
  closeChallenge(userId: string): void;
}

/** The stored recovery codes of users (recovery-codes.ts makes and hashes them). */
export interface RecoveryCodeStore {
  /** Replaces every code of the user with `hashes`. */
  replace(userId: string, hashes: readonly string[], now: number): void;
  /** Marks the code of `hash` used: `accepted`, or `used` (before), or `invalid` (no such code). */
  use(userId: string, hash: string, now: number): 'accepted' | 'used' | 'invalid';
  /** How many unused codes the user has. */
  left(userId: string): number;
}

const credentialColumns =
  'user_id AS userId, secret, created_at AS createdAt, confirmed_at AS confirmedAt, last_step AS lastStep, last_used_at AS lastUsedAt';

/** Prepares the TOTP statements on auth's connection (the caller runs them inside its transactions). */
export function createTotpStore(db: SqliteDatabase): TotpStore {
  const statements = {
    credential: db.prepare<[string], TotpCredential>(`SELECT ${credentialColumns} FROM totp_credentials WHERE user_id = ?`),
    enabled: db.prepare<[string], number>('SELECT 1 FROM totp_credentials WHERE user_id = ? AND confirmed_at IS NOT NULL').pluck(),
    savePending: db.prepare(
      `INSERT INTO totp_credentials (user_id, secret, created_at) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, last_step = NULL, last_used_at = NULL
       WHERE confirmed_at IS NULL`,
    ),
    markConfirmed: db.prepare('UPDATE totp_credentials SET confirmed_at = ? WHERE user_id = ? AND confirmed_at IS NULL'),
    acceptStep: db.prepare('UPDATE totp_credentials SET last_step = ?, last_used_at = ? WHERE user_id = ? AND (last_step IS NULL OR last_step < ?)'),
    remove: db.prepare('DELETE FROM totp_credentials WHERE user_id = ?'),
    removeRecoveryCodes: db.prepare('DELETE FROM recovery_codes WHERE user_id = ?'),
    openChallenge: db.prepare(
      `INSERT INTO login_challenges (user_id, created_at, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET created_at = excluded.created_at, expires_at = excluded.expires_at`,
    ),
    challenge: db.prepare<[string], LoginChallenge>(
      'SELECT user_id AS userId, created_at AS createdAt, expires_at AS expiresAt FROM login_challenges WHERE user_id = ?',
    ),
    closeChallenge: db.prepare('DELETE FROM login_challenges WHERE user_id = ?'),
  };
  return {
    credential: (userId) => statements.credential.get(userId),
    enabled: (userId) => statements.enabled.get(userId) !== undefined,
    savePending: (userId, secret, now) => statements.savePending.run(userId, secret, now).changes === 1,
    markConfirmed: (userId, now) => statements.markConfirmed.run(now, userId).changes === 1,
    acceptStep: (userId, step, now) => statements.acceptStep.run(step, now, userId, step).changes === 1,
    remove(userId) {
      statements.closeChallenge.run(userId);
      statements.removeRecoveryCodes.run(userId);
      return statements.remove.run(userId).changes === 1;
    },
    openChallenge: (userId, now, expiresAt) => void statements.openChallenge.run(userId, now, expiresAt),
    challenge: (userId) => statements.challenge.get(userId),
    closeChallenge: (userId) => void statements.closeChallenge.run(userId),
  };
}

/** Prepares the recovery-code statements on auth's connection (the caller runs them inside its transactions). */
export function createRecoveryCodeStore(db: SqliteDatabase): RecoveryCodeStore {
  const statements = {
    clear: db.prepare('DELETE FROM recovery_codes WHERE user_id = ?'),
    insert: db.prepare('INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)'),
    use: db.prepare('UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL'),
    exists: db.prepare<[string, string], number>('SELECT 1 FROM recovery_codes WHERE user_id = ? AND code_hash = ?').pluck(),
    left: db.prepare<[string], number>('SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL').pluck(),
  };
  return {
    replace(userId, hashes, now) {
      statements.clear.run(userId);
      for (const hash of hashes) statements.insert.run(userId, hash, now);
    },
    use(userId, hash, now) {
      if (statements.use.run(now, userId, hash).changes === 1) return 'accepted';
      return statements.exists.get(userId, hash) === undefined ? 'invalid' : 'used';
    },
    left: (userId) => statements.left.get(userId)!,
  };
}
