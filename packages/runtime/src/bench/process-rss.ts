import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Resident memory of a process in MB: `VmRSS` of `/proc/<pid>/status` on Linux, `ps -o rss=`
 * elsewhere. NaN when the process is gone or neither source answers.
 */
export function readProcessRssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // No procfs here (macOS) or the process is gone: ask ps.
  }
  try {
    const kb = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isFinite(kb) && kb > 0 ? kb / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
