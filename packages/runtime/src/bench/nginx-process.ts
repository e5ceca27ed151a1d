import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { findProgram } from '@topolab/services/contract';
import { borrowPort } from '../backends/borrow-port.js';
import { answersOk } from '../backends/probes.js';
import { buildNginxConfig } from './nginx-config.js';

/** A running nginx started by the bench. */
export interface NginxProcess {
  /** `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly pid: number | undefined;
  /** Stops it (SIGQUIT, then SIGKILL after 3 s) and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** What startNginx needs. */
export interface StartNginxOptions {
  readonly binary: string;
  readonly upstreams: readonly { readonly host: string; readonly port: number }[];
  /** A path that answers 200 through the proxy once it works. @default '/profile/me' */
  readonly probePath?: string;
  /** Headers of that probe (the identity assertion profile wants). @default none */
  readonly probeHeaders?: Readonly<Record<string, string>>;
  /** @default 5000 */
  readonly startTimeoutMs?: number;
}

/** The nginx binary on PATH (or in the usual sbin folders, often not on a user's PATH), if any. */
export function findNginx(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findProgram('nginx', env);
}

/**
 * Starts nginx in the foreground with a generated config in a fresh temp dir (see
 * buildNginxConfig), on a free loopback port, and resolves once a request through it answers
 * 200. Rejects with the tail of its error log when it exits or does not answer in time.
 */
export async function startNginx(options: StartNginxOptions): Promise<NginxProcess> {
  const host = '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'topolab-nginx-'));
  const port = await borrowPort(host);
  const config = join(dir, 'nginx.conf');
  writeFileSync(config, buildNginxConfig({ dir, listenHost: host, listenPort: port, upstreams: options.upstreams }));
  const child: ChildProcess = spawn(options.binary, ['-p', dir, '-e', join(dir, 'error.log'), '-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', () => {
      exited = true;
      resolve();
    });
  });
  const url = `http://${host}:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (!exited) {
        child.kill('SIGQUIT');
        const killTimer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exit;
        clearTimeout(killTimer);
      }
      rmSync(dir, { recursive: true, force: true });
    })());

  const deadline = Date.now() + (options.startTimeoutMs ?? 5000);
  while (!(await answersOk(`${url}${options.probePath ?? '/profile/me'}`, 1000, undefined, options.probeHeaders))) {
    if (exited || Date.now() > deadline) {
      const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';
      const tail = `${stderr}\n${log}`.trim().split('\n').slice(-5).join(' | ');
      await stop();
      throw new Error(`nginx ${exited ? 'exited' : 'did not answer 200 in time'}${tail ? `: ${tail}` : ''}`);
    }
    await delay(20);
  }
  return { url, pid: child.pid, stop };
}
