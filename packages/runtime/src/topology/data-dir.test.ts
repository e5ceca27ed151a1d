import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { isTopolabError } from '../errors/topolab-error.js';
import { prepareDataDir } from './data-dir.js';
import { modeOf, testDir } from '@topolab/test-support/files';

describe('prepareDataDir', () => {
  let root: string;
  beforeEach(() => {
    root = testDir('datadir');
  });

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

  it('creates a missing data dir and its logs/ 0700 even under a permissive umask (CWE-276)', () => {
    const previous = process.umask(0);
    try {
      prepareDataDir(join(root, 'new', '.topolab'), { fresh: false });
    } finally {
      process.umask(previous);
    }
    expect(modeOf(join(root, 'new', '.topolab'))).toBe(0o700);
    expect(modeOf(join(root, 'new', '.topolab', 'logs'))).toBe(0o700);
  });

  it('narrows a logs/ left wider by an earlier version inside a private data dir', () => {
    mkdirSync(join(root, 'logs'));
    chmodSync(join(root, 'logs'), 0o755);
    prepareDataDir(root, { fresh: false });
    expect(modeOf(join(root, 'logs'))).toBe(0o700);
  });

  it.each([
    ['0755 (an earlier version)', 0o755, false],
    ['0750, with --fresh', 0o750, true],
    ['0701 (others may traverse)', 0o701, false],
  ])('refuses a data dir that is %s with TOPOLOGY_DATA_DIR_INSECURE, changing nothing (OWASP ASVS 4.0.3 V8.3.x, CWE-276)', (_, mode, fresh) => {
    writeFileSync(join(root, 'auth.db'), 'keys');
    chmodSync(join(root, 'auth.db'), 0o644);
    chmodSync(root, mode);
    let thrown: unknown;
    try {
      prepareDataDir(root, { fresh });
    } catch (error) {
      thrown = error;
    }
    expect(isTopolabError(thrown)).toBe(true);
    const error = thrown as { code: string; exitCode: number; message: string; hint?: string; details?: Record<string, unknown> };
    expect(error).toMatchObject({ code: 'TOPOLOGY_DATA_DIR_INSECURE', exitCode: 3, details: { dataDir: root, mode: `0${mode.toString(8)}` } });
    expect(error.message).toContain(root);
    expect(error.message).toContain(`0${mode.toString(8)}`);
    expect(error.hint).toContain(`chmod 700 ${root}`);
    // Never chmod silently, and --fresh removes nothing from a dir it refused.
    expect(modeOf(root)).toBe(mode);
    expect(existsSync(join(root, 'auth.db'))).toBe(true);
    expect(existsSync(join(root, 'logs'))).toBe(false);
  });

  it('quotes a data dir with spaces or quotes in the chmod it suggests', () => {
    const dir = join(root, "my lab's data");
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    expect(() => prepareDataDir(dir, { fresh: false })).toThrow(expect.objectContaining({ hint: expect.stringContaining(`chmod 700 '${root}/my lab'\\''s data'`) }));
  });

  it('accepts the data dir once it is made private with the chmod of the hint', () => {
    chmodSync(root, 0o755);
    expect(() => prepareDataDir(root, { fresh: false })).toThrow(expect.objectContaining({ code: 'TOPOLOGY_DATA_DIR_INSECURE' }));
    chmodSync(root, 0o700);
    expect(() => prepareDataDir(root, { fresh: false })).not.toThrow();
  });
});
