import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareDataDir } from './data-dir.js';

describe('prepareDataDir', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'topolab-datadir-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates logs/ and, with fresh, removes only what topolab owns', () => {
    mkdirSync(join(root, 'logs'));
    for (const name of ['logs/old.log', 'auth.db', 'auth.db-wal', 'control.json', 'notes.txt']) writeFileSync(join(root, name), '{}');
    prepareDataDir(root, { fresh: true });
    expect(existsSync(join(root, 'logs'))).toBe(true);
    expect(existsSync(join(root, 'logs/old.log'))).toBe(false);
    expect(existsSync(join(root, 'auth.db'))).toBe(false);
    expect(existsSync(join(root, 'auth.db-wal'))).toBe(false);
    expect(existsSync(join(root, 'notes.txt'))).toBe(true);
  });

  it('keeps data without fresh', () => {
    writeFileSync(join(root, 'auth.db'), '');
    prepareDataDir(root, { fresh: false });
    expect(existsSync(join(root, 'auth.db'))).toBe(true);
  });

  it('refuses a data dir whose control file names another live process', () => {
    writeFileSync(join(root, 'control.json'), JSON.stringify({ url: 'http://127.0.0.1:1', token: 'x', pid: process.ppid, startedAt: 0 }));
    expect(() => prepareDataDir(root, { fresh: true })).toThrow(expect.objectContaining({ code: 'TOPOLOGY_DATA_DIR_BUSY', exitCode: 3 }));
    writeFileSync(join(root, 'control.json'), JSON.stringify({ url: 'http://127.0.0.1:1', token: 'x', pid: 2 ** 22 + 1, startedAt: 0 }));
    expect(() => prepareDataDir(root, { fresh: false })).not.toThrow();
  });
});
