import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { enableWal, openDatabase } from './sqlite.js';
import { testDir } from '@topolab/test-support/files';

const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');

/** Another process holds an exclusive lock on a new database file for `ms`. */
function holdLock(file: string, ms: number): Promise<void> {
  const script = `
    const Database = require(${JSON.stringify(betterSqlite)});
    const db = new Database(${JSON.stringify(file)});
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE held (x); INSERT INTO held VALUES (1);');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  onTestFinished(() => void child.kill());
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
}

describe('openDatabase', () => {
  it('opens in WAL with synchronous NORMAL and applies migrations once', () => {
    const dir = testDir('sqlite');
    const migrations = ['CREATE TABLE t (x INTEGER)'];
    const first = openDatabase(join(dir, 'a.db'), { migrations });
    expect(first.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(first.pragma('synchronous', { simple: true })).toBe(1);
    first.close();
    const again = openDatabase(join(dir, 'a.db'), { migrations });
    expect(again.pragma('user_version', { simple: true })).toBe(1);
    again.close();
  });

  it('waits for another instance that holds the new file', async () => {
    const dir = testDir('sqlite');
    const file = join(dir, 'shared.db');
    await holdLock(file, 300);
    const db = openDatabase(file, { migrations: ['CREATE TABLE t (x INTEGER)'], busyTimeoutMs: 5000 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('retries the switch to WAL while SQLite answers SQLITE_BUSY without waiting, and gives up at the deadline', () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    let calls = 0;
    const flaky = {
      pragma: () => {
        if (++calls < 3) throw busy;
        return 'wal';
      },
    };
    enableWal(flaky as never, Date.now() + 1000);
    expect(calls).toBe(3);
    const stuck = {
      pragma: () => {
        throw busy;
      },
    };
    expect(() => enableWal(stuck as never, Date.now() + 30)).toThrow(busy);
    const broken = {
      pragma: () => {
        throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
      },
    };
    expect(() => enableWal(broken as never, Date.now() + 1000)).toThrow('disk I/O error');
  });
});
