import { chmodSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ensurePrivateDir, formatMode, isPrivateMode, writePrivateFile } from './private-files.js';
import { modeOf, testDir } from '@topolab/test-support/files';

describe('private files (OWASP ASVS 4.0.3 V8.3, CWE-276)', () => {
  let root: string;
  beforeEach(() => {
    root = testDir('private');
  });

  it('counts any group or other bit as not private, and prints modes as chmod takes them', () => {
    expect(isPrivateMode(0o40700)).toBe(true);
    expect(isPrivateMode(0o600)).toBe(true);
    for (const mode of [0o755, 0o710, 0o701, 0o640, 0o604]) expect(isPrivateMode(mode)).toBe(false);
    expect(formatMode(0o40755)).toBe('0755');
    expect(formatMode(0o600)).toBe('0600');
    expect(formatMode(0o7)).toBe('0007');
  });

  it('ensurePrivateDir creates missing folders 0700 even under a permissive umask (CWE-276)', () => {
    const previous = process.umask(0);
    try {
      const dir = ensurePrivateDir(join(root, 'a', 'secrets'));
      expect(dir).toBe(join(root, 'a', 'secrets'));
      expect(modeOf(join(root, 'a'))).toBe(0o700);
      expect(modeOf(dir)).toBe(0o700);
    } finally {
      process.umask(previous);
    }
  });

  it('ensurePrivateDir narrows an existing folder topolab owns to 0700 and keeps its content', () => {
    const dir = join(root, 'logs');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'old.log'), 'x');
    ensurePrivateDir(dir);
    expect(modeOf(dir)).toBe(0o700);
    expect(readFileSync(join(dir, 'old.log'), 'utf8')).toBe('x');
  });

  it('writePrivateFile writes 0600 under a permissive umask and leaves no temp file', () => {
    const previous = process.umask(0);
    try {
      writePrivateFile(join(root, 'key.pem'), 'secret');
    } finally {
      process.umask(previous);
    }
    expect(readFileSync(join(root, 'key.pem'), 'utf8')).toBe('secret');
    expect(modeOf(join(root, 'key.pem'))).toBe(0o600);
    expect(readdirSync(root)).toEqual(['key.pem']);
  });

  it('writePrivateFile replaces a world-readable file with a 0600 one (never widening, never writing through it)', () => {
    const file = join(root, 'control.json');
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);
    const target = join(root, 'elsewhere');
    writeFileSync(target, 'untouched');
    symlinkSync(target, join(root, 'link'));
    writePrivateFile(file, Buffer.from('new'));
    writePrivateFile(join(root, 'link'), 'replaced');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(modeOf(file)).toBe(0o600);
    // The symlink itself is replaced by a private file; what it pointed to is not written.
    expect(readFileSync(target, 'utf8')).toBe('untouched');
    expect(modeOf(join(root, 'link'))).toBe(0o600);
  });

  it('writePrivateFile leaves nothing behind when it cannot write', () => {
    expect(() => writePrivateFile(join(root, 'missing', 'x'), 'data')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(readdirSync(root)).toEqual([]);
  });
});
