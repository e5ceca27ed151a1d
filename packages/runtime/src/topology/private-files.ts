import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Mode of every directory topolab creates in a data dir: the user only (rwx------). */
export const privateDirMode = 0o700;
/** Mode of every file topolab writes in a data dir: the user only (rw-------). */
export const privateFileMode = 0o600;

/** Whether a mode grants nothing to group or others (any permission bit of 0o077 set is too wide). */
export function isPrivateMode(mode: number): boolean {
  return (mode & 0o077) === 0;
}

/** The permission bits of a mode in the octal form `chmod` and `ls -l` users read: `0755`. */
export function formatMode(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

/**
 * Makes `path` a directory only its owner can use (0700): creates it (and missing parents, each
 * 0700), or narrows one that exists with group or other bits. Meant for the folders topolab owns
 * inside a data dir already checked private (`logs/`, `tls/`, `nginx/`, `redis/`, `secrets/`);
 * the data dir itself is checked, never changed (prepareDataDir). Returns `path`.
 */
export function ensurePrivateDir(path: string): string {
  // mkdir's mode is masked by the umask, which can only take bits away: 0700 or narrower.
  mkdirSync(path, { recursive: true, mode: privateDirMode });
  if (!isPrivateMode(statSync(path).mode)) chmodSync(path, privateDirMode);
  return path;
}

/**
 * Writes `data` to `path` readable and writable by the owner only (0600), atomically: a
 * temporary file in the same directory, created 0600 (never wider, whatever the umask), synced,
 * then renamed over `path`. A reader sees the old content or the new, never a part, and a file
 * that existed with a wider mode is replaced by a 0600 one. `sync: false` skips the fsync
 * (≈ 3 ms on a disk) for what a run writes again anyway: tokens, per-run credentials.
 */
export function writePrivateFile(path: string, data: string | Uint8Array, options: { readonly sync?: boolean } = {}): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // 'wx': a fresh file, never one planted there (nor followed through a symlink).
  const fd = openSync(temporary, 'wx', privateFileMode);
  try {
    try {
      fchmodSync(fd, privateFileMode);
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
      if (options.sync !== false) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
