import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** The better-sqlite3 connection type, re-exported so stores need not import the driver. */
export type SqliteDatabase = Database.Database;

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
  const db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db, options.migrations);
  return db;
}

function migrate(db: SqliteDatabase, migrations: readonly string[]): void {
  const apply = db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let i = version; i < migrations.length; i++) db.exec(migrations[i]!);
    if (migrations.length > version) db.pragma(`user_version = ${migrations.length}`);
  });
  apply.immediate();
}
