import { spawnSync } from 'node:child_process';
import { arch, cpus, release, totalmem, type } from 'node:os';
import type { MachineInfo } from './bench-types.js';

/** Stdout and stderr of a command that exited 0 (trimmed), or undefined when it is missing or fails. */
function commandOutput(command: string, args: readonly string[], cwd?: string): { stdout: string; stderr: string } | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 5000, ...(cwd ? { cwd } : {}) });
  if (result.error || result.status !== 0) return undefined;
  return { stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

/** The version line of an nginx binary (`nginx version: nginx/1.22.1`), or undefined when there is none. */
export function readNginxVersion(binary = 'nginx'): string | undefined {
  // `nginx -v` prints its version on stderr.
  const out = commandOutput(binary, ['-v']);
  return out ? out.stderr || out.stdout || undefined : undefined;
}

/** Describes this machine: cores, CPU model, memory, OS, Node, and the git commit of `cwd`. */
export function readMachineInfo(cwd: string = process.cwd()): MachineInfo {
  const cores = cpus();
  const gitCommit = commandOutput('git', ['rev-parse', 'HEAD'], cwd)?.stdout;
  const nginx = readNginxVersion();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    totalMemoryMb: Math.round(totalmem() / 1024 / 1024),
    os: `${type()} ${release()} (${arch()})`,
    node: process.version,
    ...(gitCommit ? { gitCommit } : {}),
    ...(nginx ? { nginx } : {}),
  };
}
