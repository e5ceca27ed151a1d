import type { SqliteDatabase } from '../kit/sqlite.js';

/** Options of openSocketQuota. */
export interface SocketQuotaOptions {
  /** The chat database every instance shares (its `sockets` table). */
  readonly db: SqliteDatabase;
  /** This instance (`chat#1`): its rows are its own. */
  readonly instanceId: string;
  /** Open sockets per user across every instance. */
  readonly maxPerUser: number;
  /** A row not renewed for this long belongs to an instance that died: it no longer counts. */
  readonly leaseMs: number;
  /** Epoch ms now. */
  readonly clock: () => number;
}

/** The open sockets of every chat instance, per user. */
export interface SocketQuota {
  /** Open sockets per user allowed. */
  readonly maxPerUser: number;
  /** Takes a seat for `userId`'s socket `connection` of this instance; false when the user has `maxPerUser` already. */
  claim(userId: string, connection: number): boolean;
  /** Gives the seat back (the socket closed, or its handshake failed). Idempotent. */
  release(connection: number): void;
  /** Renews this instance's rows (call well within `leaseMs`). */
  renew(): void;
  /** Gives back every seat of this instance (it stops); later calls do nothing (claim answers false). */
  close(): void;
}

/**
 * The per-user socket cap, held in the database the chat instances share, so it is one cap
 * per user however the sockets spread over instances and gateways: a claim counts the user's
 * rows and inserts one in a single IMMEDIATE transaction (SQLite's write lock serialises the
 * instances). An instance that dies without closing leaves rows behind; they stop counting once
 * not renewed for `leaseMs`, and a restarted instance (same id) drops its old rows at once.
 */
export function openSocketQuota(options: SocketQuotaOptions): SocketQuota {
  const { db, instanceId, maxPerUser, leaseMs, clock } = options;
  const dropStale = db.prepare<[string, number]>('DELETE FROM sockets WHERE user_id = ? AND seen_at < ?');
  const countUser = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM sockets WHERE user_id = ?');
  const insert = db.prepare<[string, number, string, number]>('INSERT OR REPLACE INTO sockets (instance, connection, user_id, seen_at) VALUES (?, ?, ?, ?)');
  const remove = db.prepare<[string, number]>('DELETE FROM sockets WHERE instance = ? AND connection = ?');
  const touch = db.prepare<[number, string]>('UPDATE sockets SET seen_at = ? WHERE instance = ?');
  const removeAll = db.prepare<[string]>('DELETE FROM sockets WHERE instance = ?');
  const claim = db.transaction((userId: string, connection: number, now: number) => {
    dropStale.run(userId, now - leaseMs);
    if (countUser.get(userId)!.n >= maxPerUser) return false;
    insert.run(instanceId, connection, userId, now);
    return true;
  });
  removeAll.run(instanceId);
  // Sockets still closing after the instance closed (and its database with it) have nothing to give back.
  let open = true;
  return {
    maxPerUser,
    claim: (userId, connection) => open && claim.immediate(userId, connection, clock()),
    release(connection) {
      if (open) remove.run(instanceId, connection);
    },
    renew() {
      if (open) touch.run(clock(), instanceId);
    },
    close() {
      if (open) removeAll.run(instanceId);
      open = false;
    },
  };
}
