import { findProgram } from '@topolab/services/contract';
import { backendsRequired } from '@topolab/test-support/programs';
import { isProcessAlive } from '../src/supervisor/process-alive.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

/** Absolute path of a fixture script. */
export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** A temp dir removed when the test finishes. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `topolab-${prefix}-`));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Whether the process runs (a zombie awaiting its reaper counts as gone). */
export const isAlive = isProcessAlive;

/** Kills whatever is left of `pids` (cleanup after a failed test). */
export function killLeftovers(pids: readonly (number | undefined)[]): void {
  for (const pid of pids) {
    if (pid === undefined) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** The binary, or undefined (the suite is skipped) unless TOPOLAB_REQUIRE_BACKENDS=1, when a missing one fails. */
export function programFor(binary: string): string | undefined {
  const found = findProgram(binary);
  if (!found && backendsRequired()) throw new Error(`${binary} is required (TOPOLAB_REQUIRE_BACKENDS=1) but not installed`);
  return found;
}
