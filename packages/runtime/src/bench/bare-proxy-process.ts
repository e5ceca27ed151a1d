import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatHttpUrl } from '../topology/addresses.js';

/** The bare Node proxy started by the bench. */
export interface BareProxyProcess {
  /** `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly pid: number | undefined;
  /** Stops it (its IPC channel closed, SIGKILL after 2 s). Idempotent. */
  stop(): Promise<void>;
}

/** The compiled program (`dist/bench/bare-proxy.js`), also when this module runs from its TypeScript source (tests). */
export function bareProxyEntry(): string {
  const beside = fileURLToPath(new URL('./bare-proxy.js', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../../dist/bench/bare-proxy.js', import.meta.url));
}

/** Options of startBareProxy. */
export interface BareProxyOptions {
  /** How long it may take to print its port. @default 5000 */
  readonly timeoutMs?: number;
  /** Runs it under `node --cpu-prof`, its profile written here as `bare-node-1.cpuprofile` when it exits (the bench's `--cpu-prof`). */
  readonly cpuProfileDir?: string;
}

/**
 * Starts the bare Node proxy (`bare-proxy.ts`) as a child process over `upstreams` and resolves
 * with its URL once it printed its port; rejects when it exits first or does not in `timeoutMs`.
 */
export async function startBareProxy(upstreams: readonly { readonly host: string; readonly port: number }[], options: BareProxyOptions = {}): Promise<BareProxyProcess> {
  const { timeoutMs = 5000, cpuProfileDir } = options;
  const profile = cpuProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir, '--cpu-prof-name', 'bare-node-1.cpuprofile'];
  const child = spawn(process.execPath, [...profile, bareProxyEntry(), ...upstreams.map((u) => formatHttpUrl(u.host, u.port))], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    })());
  const port = await new Promise<number | undefined>((resolve) => {
    let out = '';
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^(\d+)\n/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  if (port === undefined) {
    await stop();
    throw new Error(`the bare Node proxy did not start${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
  }
  child.stdout!.resume();
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop };
}
