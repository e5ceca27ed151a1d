import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { nginxConfigPath, nginxFiles } from '../contract/nginx-files.js';
import type { NginxTarget } from './config.js';

/** What nginx-sync does to its nginx: write the config, reload, ask. */
export interface NginxControl {
  /** Writes nginx.conf atomically (a reload never reads half a file). */
  writeConfig(text: string): void;
  /** The pid in nginx.pid, if nginx runs. */
  pid(): number | undefined;
  /**
   * Sends SIGHUP (nginx re-reads nginx.conf in place) and resolves with the milliseconds until
   * nginx answers `generation` on /_topolab/generation; rejects after `timeoutMs` (a config
   * nginx refused keeps the old one: its error log says why).
   */
  reload(generation: number, timeoutMs?: number): Promise<number>;
  /** Whether nginx answers its health location within `timeoutMs`. */
  healthy(timeoutMs: number): Promise<boolean>;
}

/** SIGKILLs nginx's process group (master and worker; the master leads it), if nginx runs. */
export function killNginxGroup(target: Pick<NginxTarget, 'dir'>): void {
  try {
    const pid = Number(readFileSync(join(target.dir, nginxFiles.pid), 'utf8').trim());
    if (Number.isInteger(pid) && pid > 1) process.kill(-pid, 'SIGKILL');
  } catch {
    // not running, or already gone
  }
}

/** Creates the control of one nginx. Plain HTTP requests without spans: probes are not traffic. */
export function createNginxControl(target: NginxTarget): NginxControl {
  mkdirSync(target.dir, { recursive: true });
  const configPath = nginxConfigPath(target.dir);
  const pidPath = join(target.dir, nginxFiles.pid);

  function get(path: string, timeoutMs: number): Promise<{ status: number; body: string } | undefined> {
    return new Promise((resolve) => {
      const req = request({ host: target.host, port: target.port, path, agent: false, timeout: timeoutMs }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', () => resolve(undefined));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(undefined));
      req.end();
    });
  }

  function pid(): number | undefined {
    try {
      const value = Number(readFileSync(pidPath, 'utf8').trim());
      return Number.isInteger(value) && value > 0 ? value : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    writeConfig(text) {
      const temporary = `${configPath}.${process.pid}.tmp`;
      writeFileSync(temporary, text);
      renameSync(temporary, configPath);
    },
    pid,
    async reload(generation, timeoutMs = 3000) {
      const started = performance.now();
      const nginxPid = pid();
      if (nginxPid === undefined) throw new Error('nginx is not running (no nginx.pid)');
      process.kill(nginxPid, 'SIGHUP');
      const deadline = started + timeoutMs;
      for (;;) {
        const answer = await get('/_topolab/generation', 200);
        if (answer?.status === 200 && Number(answer.body) === generation) return performance.now() - started;
        if (performance.now() > deadline) throw new Error(`nginx did not take generation ${generation} within ${timeoutMs} ms (see ${join(target.dir, nginxFiles.errorLog)})`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    },
    async healthy(timeoutMs) {
      return (await get('/_topolab/health', timeoutMs))?.status === 200;
    },
  };
}
