import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { isProcessAlive } from '@topolab/runtime';
import type { CliIo } from '../src/io.js';
import { runCli as runProgram } from '../src/program.js';

/** The compiled CLI, as users run it. */
export const cliBin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** Output and exit of a finished CLI run. */
export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

const env = { ...process.env, NO_COLOR: '1', CI: '1' };

/** Runs `topolab ARGS` to completion (non-TTY, NO_COLOR), with `extraEnv` added to the environment. */
export function runCli(args: readonly string[], timeoutMs = 60_000, extraEnv: Readonly<Record<string, string>> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`topolab ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A stream that keeps what is written to it, as a string. */
function capture(): { stream: NodeJS.WriteStream; text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

/**
 * Runs `topolab ARGS` in this process, through the program bin.js runs (commander's
 * exitOverride turns --help and usage errors into exit codes): for usage, help and
 * nothing-running checks, without a Node start per case. Output is not a TTY, so uncoloured.
 */
export async function runCliInProcess(args: readonly string[]): Promise<CliRun> {
  const stdout = capture();
  const stderr = capture();
  const io: CliIo = { stdout: stdout.stream, stderr: stderr.stream, stdin: process.stdin, interactive: false };
  const code = await runProgram(args, io);
  return { code, signal: null, stdout: stdout.text(), stderr: stderr.text() };
}

/** A long-running `topolab ARGS` (e.g. `up`) whose output can be awaited. */
export interface CliProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when stdout contains `text`; rejects on exit or after `timeoutMs`. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `topolab ARGS` in the background, with `extraEnv` added to the environment. The caller must kill it (see onTestFinished). */
export function startCli(args: readonly string[], extraEnv: Readonly<Record<string, string>> = {}): CliProcess {
  const child = spawn(process.execPath, [cliBin, ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters) waiter();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const waiter of waiters) waiter();
      resolve({ code, signal });
    }),
  );
  return {
    child,
    output: () => output,
    exited,
    waitForOutput(text, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (output.includes(text)) done(resolve);
          else if (child.exitCode !== null || child.signalCode !== null) done(() => reject(new Error(`topolab exited before printing "${text}":\n${output}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`"${text}" not printed within ${timeoutMs} ms:\n${output}`))), timeoutMs);
        const done = (finish: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          finish();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Whether the process runs (a zombie awaiting its reaper counts as gone). */
export const isAlive = isProcessAlive;
