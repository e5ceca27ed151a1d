import { join } from 'node:path';
import { openDatabase, type SqliteDatabase } from '../kit/sqlite.js';
import { createEventLog, type EventLog } from './event-log.js';
import { createLoginThrottle, type LoginThrottle } from './login-throttle.js';
import type {
  AccessRecord,
  CodeRecord,
  CodeWindow,
  NewAccess,
  NewCode,
  NewRefresh,
  NewUser,
  OtpPurpose,
  RefreshRecord,
  UserRecord,
} from './records.js';
import { authMigrations } from './schema.js';
import { createRecoveryCodeStore, createTotpStore, type RecoveryCodeStore, type TotpStore } from './totp-store.js';

/** The file name of the database every auth instance of a data dir shares. */
export const authDatabaseFile = 'auth.db';

/** Auth's data: users, codes, issued tokens, shared secrets. Every statement is prepared once. */
export interface AuthStore {
  /** Runs `fn` in an IMMEDIATE transaction, so instances sharing the file serialise their writes. */
  transaction<T>(fn: () => T): T;
  /** Throws when the database cannot answer `SELECT 1`. */
  ping(): void;
  /** Returns the secret `name`, creating it with `create()` if no instance has yet; every instance gets the same value. */
  ensureSecret(name: string, create: () => string, now: number): string;
  /** Inserts a user; false when the username is taken. */
  insertUser(user: NewUser): boolean;
  userByName(username: string): UserRecord | undefined;
  userById(id: string): UserRecord | undefined;
  markVerified(userId: string, now: number): void;
  /** Sets a user's first name; false when there is no such user. */
  updateFirstName(userId: string, firstName: string): boolean;
  /** Deletes a user with their codes and tokens (ON DELETE CASCADE); false when there is no such user. */
  deleteUser(userId: string): boolean;
  insertCode(code: NewCode): number;
  /** The newest code of a user and purpose. */
  latestCode(userId: string, purpose: OtpPurpose): CodeRecord | undefined;
  /** Codes of a user and purpose created after `since` (epoch ms). */
  codesSince(userId: string, purpose: OtpPurpose, since: number): CodeWindow;
  /** Marks every pending code of a user and purpose as superseded. */
  supersedeCodes(userId: string, purpose: OtpPurpose, now: number): void;
  recordFailedAttempt(codeId: number): void;
  markCodeUsed(codeId: number, now: number): void;
  insertRefresh(token: NewRefresh): void;
  refreshByHash(tokenHash: string): RefreshRecord | undefined;
  /** Marks a refresh token used; false when it was used already. */
  markRefreshUsed(tokenHash: string, now: number): boolean;
  insertAccess(token: NewAccess): void;
  accessByJti(jti: string): AccessRecord | undefined;
  /** Revokes every refresh and access token of a family; returns the access tokens it revoked (not those revoked before). */
  revokeFamily(familyId: string, now: number): AccessRecord[];
  /** Revokes every refresh and access token of a user; returns the access tokens it revoked. */
  revokeUser(userId: string, now: number): AccessRecord[];
  /** The outbox and event log, on the same connection: append inside `transaction` to commit an event with its change. */
  readonly events: EventLog;
  /** Authenticator secrets and pending login challenges; call inside `transaction` to combine with other writes. */
  readonly totp: TotpStore;
  /** Recovery codes of authenticator users (hashes only); call inside `transaction` to combine with other writes. */
  readonly recovery: RecoveryCodeStore;
  /** Failed-login counts per account name (login-throttle.ts). */
  readonly throttle: LoginThrottle;
  close(): void;
}

/** Opens (creating and migrating) `<dataDir>/auth.db` and prepares the store on it. */
export function openAuthStore(dataDir: string): AuthStore {
  return createAuthStore(openDatabase(join(dataDir, authDatabaseFile), { migrations: authMigrations }));
}

const userColumns = 'id, username, password_hash AS passwordHash, phone, first_name AS firstName, verified, created_at AS createdAt';
const codeColumns =
  'id, user_id AS userId, purpose, code_hash AS codeHash, created_at AS createdAt, expires_at AS expiresAt, attempts, used_at AS usedAt, superseded_at AS supersededAt';
const refreshColumns =
  'token_hash AS tokenHash, user_id AS userId, family_id AS familyId, created_at AS createdAt, expires_at AS expiresAt, used_at AS usedAt, revoked_at AS revokedAt, auth_time AS authTime';
const accessColumns =
  'jti, user_id AS userId, family_id AS familyId, created_at AS createdAt, expires_at AS expiresAt, revoked_at AS revokedAt, auth_time AS authTime';

type UserRow = Omit<UserRecord, 'verified'> & { verified: number };

/** Builds the store on an open, migrated database (which it then owns). */
export function createAuthStore(db: SqliteDatabase): AuthStore {
  const statements = {
    ping: db.prepare('SELECT 1').pluck(),
    insertSecret: db.prepare('INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING'),
    secret: db.prepare<[string], string>('SELECT value FROM secrets WHERE name = ?').pluck(),
    insertUser: db.prepare(
      `INSERT INTO users (id, username, password_hash, phone, first_name, created_at)
       VALUES (@id, @username, @passwordHash, @phone, @firstName, @createdAt) ON CONFLICT (username) DO NOTHING`,
    ),
    userByName: db.prepare<[string], UserRow>(`SELECT ${userColumns} FROM users WHERE username = ?`),
    userById: db.prepare<[string], UserRow>(`SELECT ${userColumns} FROM users WHERE id = ?`),
    markVerified: db.prepare('UPDATE users SET verified = 1, verified_at = ? WHERE id = ?'),
    updateFirstName: db.prepare('UPDATE users SET first_name = ? WHERE id = ?'),
    deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
    insertCode: db.prepare(
      `INSERT INTO otp_codes (user_id, purpose, code_hash, created_at, expires_at)
       VALUES (@userId, @purpose, @codeHash, @createdAt, @expiresAt)`,
    ),
    latestCode: db.prepare<[string, string], CodeRecord>(
      `SELECT ${codeColumns} FROM otp_codes WHERE user_id = ? AND purpose = ? ORDER BY id DESC LIMIT 1`,
    ),
    codesSince: db.prepare<[string, string, number], { count: number; oldest: number | null }>(
      'SELECT COUNT(*) AS count, MIN(created_at) AS oldest FROM otp_codes WHERE user_id = ? AND purpose = ? AND created_at > ?',
    ),
    supersedeCodes: db.prepare(
      'UPDATE otp_codes SET superseded_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL AND superseded_at IS NULL',
    ),
    failedAttempt: db.prepare('UPDATE otp_codes SET attempts = attempts + 1 WHERE id = ?'),
    markCodeUsed: db.prepare('UPDATE otp_codes SET used_at = ? WHERE id = ?'),
    insertRefresh: db.prepare(
      `INSERT INTO refresh_tokens (token_hash, user_id, family_id, created_at, expires_at, auth_time)
       VALUES (@tokenHash, @userId, @familyId, @createdAt, @expiresAt, @authTime)`,
    ),
    refreshByHash: db.prepare<[string], RefreshRecord>(`SELECT ${refreshColumns} FROM refresh_tokens WHERE token_hash = ?`),
    markRefreshUsed: db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL'),
    insertAccess: db.prepare(
      `INSERT INTO access_tokens (jti, user_id, family_id, created_at, expires_at, auth_time)
       VALUES (@jti, @userId, @familyId, @createdAt, @expiresAt, @authTime)`,
    ),
    accessByJti: db.prepare<[string], AccessRecord>(`SELECT ${accessColumns} FROM access_tokens WHERE jti = ?`),
    revokeRefreshFamily: db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL'),
    revokeAccessFamily: db.prepare<[number, string], AccessRecord>(
      `UPDATE access_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL RETURNING ${accessColumns}`,
    ),
    revokeRefreshUser: db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL'),
    revokeAccessUser: db.prepare<[number, string], AccessRecord>(
      `UPDATE access_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL RETURNING ${accessColumns}`,
    ),
  };
  // One transaction wrapper for every caller: `immediate` takes the write lock up front, so two instances never deadlock upgrading a read.
  const inTransaction = db.transaction((fn: () => unknown) => fn());
  const toUser = (row: UserRow | undefined): UserRecord | undefined => (row ? { ...row, verified: row.verified === 1 } : undefined);

  const store: AuthStore = {
    transaction: <T>(fn: () => T) => inTransaction.immediate(fn) as T,
    ping: () => void statements.ping.get(),
    ensureSecret(name, create, now) {
      const existing = statements.secret.get(name);
      if (existing !== undefined) return existing;
      // Two instances may start together: the first insert wins and both read the winner back.
      statements.insertSecret.run(name, create(), now);
      return statements.secret.get(name)!;
    },
    insertUser: (user) => statements.insertUser.run(user).changes === 1,
    userByName: (username) => toUser(statements.userByName.get(username)),
    userById: (id) => toUser(statements.userById.get(id)),
    markVerified: (userId, now) => void statements.markVerified.run(now, userId),
    updateFirstName: (userId, firstName) => statements.updateFirstName.run(firstName, userId).changes === 1,
    deleteUser: (userId) => statements.deleteUser.run(userId).changes === 1,
    insertCode: (code) => Number(statements.insertCode.run(code).lastInsertRowid),
    latestCode: (userId, purpose) => statements.latestCode.get(userId, purpose),
    codesSince(userId, purpose, since) {
      const row = statements.codesSince.get(userId, purpose, since)!;
      return { count: row.count, oldest: row.oldest ?? undefined };
    },
    supersedeCodes: (userId, purpose, now) => void statements.supersedeCodes.run(now, userId, purpose),
    recordFailedAttempt: (codeId) => void statements.failedAttempt.run(codeId),
    markCodeUsed: (codeId, now) => void statements.markCodeUsed.run(now, codeId),
    insertRefresh: (token) => void statements.insertRefresh.run(token),
    refreshByHash: (tokenHash) => statements.refreshByHash.get(tokenHash),
    markRefreshUsed: (tokenHash, now) => statements.markRefreshUsed.run(now, tokenHash).changes === 1,
    insertAccess: (token) => void statements.insertAccess.run(token),
    accessByJti: (jti) => statements.accessByJti.get(jti),
    revokeFamily(familyId, now) {
      return store.transaction(() => {
        statements.revokeRefreshFamily.run(now, familyId);
        return statements.revokeAccessFamily.all(now, familyId);
      });
    },
    revokeUser(userId, now) {
      return store.transaction(() => {
        statements.revokeRefreshUser.run(now, userId);
        return statements.revokeAccessUser.all(now, userId);
      });
    },
    events: createEventLog(db, (fn) => inTransaction.immediate(fn) as ReturnType<typeof fn>),
    totp: createTotpStore(db),
    recovery: createRecoveryCodeStore(db),
    throttle: createLoginThrottle(db, (fn) => inTransaction.immediate(fn) as ReturnType<typeof fn>),
    close: () => db.close(),
  };
  return store;
}
