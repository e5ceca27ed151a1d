import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { createBackoff } from './backoff.js';

/** The better-sqlite3 connection type, re-exported so stores need not import the driver. */
export type SqliteDatabase = Database.Database;

/** What every service store on one SQLite file offers besides its own queries. */
export interface SqliteStore {
  /** The open database, for the domain-event consumer's table (kit/events). */
  readonly db: SqliteDatabase;
  /** Whether the database answers (`/health`). */
  ping(): boolean;
  close(): void;
}

/** Options of openDatabase. */
export interface OpenDatabaseOptions {
  /** SQL scripts applied in order, once each, tracked by `PRAGMA user_version`. */
  readonly migrations: readonly string[];
  /** How long a writer waits for another instance's lock. @default 5000 */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (and creates) a service database in WAL mode. `synchronous = NORMAL` is set on
 * purpose: in WAL mode it loses no committed transaction when the process is killed (only
 * an OS crash or power loss can roll back the last ones), and it avoids an fsync per commit.
 * Several instances may open the same file; migrations run under an immediate transaction.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions): SqliteDatabase {
  mkdirSync(dirname(file), { recursive: true });
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const db = new Database(file, { timeout: busyTimeoutMs });
  enableWal(db, Date.now() + busyTimeoutMs);
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db, options.migrations);
  return db;
}

/**
 * Switches a connection to WAL. That needs an exclusive lock, and when several instances open
 * the same new file at once SQLite may answer SQLITE_BUSY without waiting (its deadlock
 * avoidance skips the busy handler): retry with a short jittered pause (so the instances do not
 * collide again in step) until `deadline` (epoch ms).
 */
export function enableWal(db: Pick<SqliteDatabase, 'pragma'>, deadline: number): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const backoff = createBackoff({ baseMs: 5, maxMs: 100 });
  for (;;) {
    const delay = backoff.next();
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() + delay > deadline) throw error;
      Atomics.wait(pause, 0, 0, delay);
    }
  }
}

function migrate(db: SqliteDatabase, migrations: readonly string[]): void {
  const apply = db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let i = version; i < migrations.length; i++) db.exec(migrations[i]!);
    if (migrations.length > version) db.pragma(`user_version = ${migrations.length}`);
  });
  apply.immediate();
}
