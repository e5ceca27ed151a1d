import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProgram, nginxConfigPath, nginxFiles } from '@topolab/services/contract';
import { borrowPort } from '../backends/borrow-port.js';
import { nginxProgram } from '../backends/nginx-program.js';
import { answersOk } from '../backends/probes.js';
import { createProgramSpawner } from '../supervisor/program-child.js';
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
 * buildNginxConfig), on a free loopback port, through the topology's nginx launch
 * (nginxProgram), and resolves once a request through it answers 200. Rejects with the tail of
 * its error log when it exits or does not answer in time.
 */
export async function startNginx(options: StartNginxOptions): Promise<NginxProcess> {
  const host = '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'topolab-nginx-'));
  const port = await borrowPort(host);
  writeFileSync(nginxConfigPath(dir), buildNginxConfig({ dir, listenHost: host, listenPort: port, upstreams: options.upstreams }));
  const url = `http://${host}:${port}`;
  const probe = () => answersOk(`${url}${options.probePath ?? '/profile/me'}`, 1000, undefined, options.probeHeaders);
  const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const child = createProgramSpawner(nginxProgram({ binary: options.binary, host, port, dir, probe }))({ entry: options.binary, env });
  let stderr = '';
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', () => {
      exited = true;
      resolve();
    });
    child.on('error', () => {
      exited = true;
      resolve();
    });
  });
  const ready = new Promise<boolean>((resolve) => {
    child.on('message', (message) => {
      if ((message as { type?: string }).type === 'ready') resolve(true);
    });
    void exit.then(() => resolve(false));
  });
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

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), options.startTimeoutMs ?? 5000)));
  const answered = await Promise.race([ready, timedOut]);
  clearTimeout(timer);
  if (!answered) {
    const errorLog = join(dir, nginxFiles.errorLog);
    const log = existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '';
    const tail = `${stderr}\n${log}`.trim().split('\n').slice(-5).join(' | ');
    await stop();
    throw new Error(`nginx ${exited ? 'exited' : 'did not answer 200 in time'}${tail ? `: ${tail}` : ''}`);
  }
  return { url, pid: child.pid, stop };
}
