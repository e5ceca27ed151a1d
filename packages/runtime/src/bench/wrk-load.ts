import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProgram } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import type { ClosedLoopOptions } from './closed-loop.js';
import type { LoadSample } from './bench-types.js';
import { combineLoadSamples, parseWrkOutput } from './wrk-output.js';

/** The wrk binary on PATH, if any. */
export function findWrk(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findProgram('wrk', env);
}

/** The wrk binary `find` finds (on PATH by default), or BENCH_WRK_MISSING. */
export function requireWrk(find: () => string | undefined = findWrk): string {
  const binary = find();
  if (!binary) throw runtimeError('BENCH_WRK_MISSING', { message: '`--load wrk` needs wrk, which is not on PATH.' });
  return binary;
}

/** `connections` spread over `parts` runs as evenly as they go, each at least 1. */
export function splitConnections(connections: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.max(1, Math.floor(connections / parts) + (i < connections % parts ? 1 : 0)));
}

/** A Lua string literal of `text` (quotes and backslashes escaped; a header has no line break). */
const luaString = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ')}"`;

/**
 * The wrk script that sets the request's headers (`wrk.headers[name] = value`): the bench
 * passes them in a private file rather than as `-H` arguments, since a process's command line
 * (an access token, an identity assertion) is readable by every user in /proc/<pid>/cmdline.
 */
export function wrkHeadersScript(headers: Readonly<Record<string, string>>): string {
  return Object.entries(headers)
    .map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}\n`)
    .join('');
}

/** The command line of one wrk run (one thread, keep-alive connections, latency distribution, the headers set by `script`). */
export function wrkArgs(url: string, options: { connections: number; durationMs: number; timeoutMs: number; script?: string }): string[] {
  return [
    '-t1',
    `-c${options.connections}`,
    // wrk takes whole seconds; a shorter run is ended by SIGINT (wrk then prints what it measured).
    `-d${Math.max(1, Math.ceil(options.durationMs / 1000))}s`,
    `--timeout`,
    `${Math.max(1, Math.round(options.timeoutMs / 1000))}s`,
    '--latency',
    ...(options.script ? ['-s', options.script] : []),
    url,
  ];
}

/**
 * Runs Debian's wrk (C, one thread) as a child process, closed loop like runClosedLoop: one
 * wrk per URL, the connections split between them (wrk takes one URL), started together and
 * combined (combineLoadSamples); the headers in a Lua script of a private temp dir
 * (wrkHeadersScript). The CPU it spends is its own process's (the bench reads it as
 * its reaped children's time). Rejects when a run printed no result (the reason in the message).
 */
export async function runWrk(binary: string, options: ClosedLoopOptions): Promise<LoadSample> {
  const connections = splitConnections(options.connections, options.urls.length);
  // mkdtemp makes the dir 0700: only this user reads the headers.
  const dir = mkdtempSync(join(tmpdir(), 'topolab-wrk-'));
  try {
    const script = join(dir, 'headers.lua');
    writeFileSync(script, wrkHeadersScript(options.headers ?? {}), { mode: 0o600 });
    const runs = options.urls.map((url, i) => runOne(binary, wrkArgs(url, { connections: connections[i]!, durationMs: options.durationMs, timeoutMs: options.timeoutMs ?? 10_000, script }), options));
    return combineLoadSamples(await Promise.all(runs));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runOne(binary: string, args: readonly string[], options: Pick<ClosedLoopOptions, 'durationMs' | 'signal'>): Promise<LoadSample> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const interrupt = () => child.kill('SIGINT');
    const timer = options.durationMs % 1000 === 0 ? undefined : setTimeout(interrupt, options.durationMs);
    options.signal?.addEventListener('abort', interrupt, { once: true });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', interrupt);
      try {
        resolve(parseWrkOutput(out));
      } catch (error) {
        reject(error);
      }
    });
  });
}
