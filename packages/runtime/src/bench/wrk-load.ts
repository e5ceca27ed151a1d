import { spawn } from 'node:child_process';
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

/** The command line of one wrk run (one thread, keep-alive connections, latency distribution). */
export function wrkArgs(url: string, options: { connections: number; durationMs: number; timeoutMs: number; headers: Readonly<Record<string, string>> }): string[] {
  return [
    '-t1',
    `-c${options.connections}`,
    // wrk takes whole seconds; a shorter run is ended by SIGINT (wrk then prints what it measured).
    `-d${Math.max(1, Math.ceil(options.durationMs / 1000))}s`,
    `--timeout`,
    `${Math.max(1, Math.round(options.timeoutMs / 1000))}s`,
    '--latency',
    ...Object.entries(options.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
    url,
  ];
}

/**
 * Runs Debian's wrk (C, one thread) as a child process, closed loop like runClosedLoop: one
 * wrk per URL, the connections split between them (wrk takes one URL), started together and
 * combined (combineLoadSamples). The CPU it spends is its own process's (the bench reads it as
 * its reaped children's time). Rejects when a run printed no result (the reason in the message).
 */
export async function runWrk(binary: string, options: ClosedLoopOptions): Promise<LoadSample> {
  const connections = splitConnections(options.connections, options.urls.length);
  const runs = options.urls.map((url, i) => runOne(binary, wrkArgs(url, { connections: connections[i]!, durationMs: options.durationMs, timeoutMs: options.timeoutMs ?? 10_000, headers: options.headers ?? {} }), options));
  return combineLoadSamples(await Promise.all(runs));
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
