import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/**
 * A fresh folder `topolab-<name>-…` under the OS temp dir, removed with all it holds when the
 * test finishes (passed or failed). Call it in a test or in its `beforeEach`.
 */
export function testDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `topolab-${name}-`));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The permission bits of a file or folder (`0o600`, `0o700`), as chmod takes them. */
export function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}
