import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { assertRedisReachable, findProgram } from '@topolab/runtime';
import { borrowPort } from '@topolab/runtime/backends';
import { backendsRequired } from '@topolab/test-support/programs';
import { runCli, startCli } from './run-cli.js';

const redisServer = findProgram('redis-server');
if (!redisServer && backendsRequired()) throw new Error('redis-server is required (TOPOLAB_REQUIRE_BACKENDS=1) but not installed');

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `topolab-${prefix}-`));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A redis-server of the test's own with `requirepass` (the config on stdin: no password on a command line); its host:port. */
async function startRedisWithPassword(password: string): Promise<string> {
  const dir = tempDir('redis');
  // redis-server takes no port 0: the OS hands one over, as the runtime does for its own redis-server.
  const port = await borrowPort('127.0.0.1');
  const child = spawn(redisServer!, ['-'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  onTestFinished(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  child.stdin!.end(`bind 127.0.0.1\nport ${port}\nrequirepass ${password}\nsave ""\nappendonly no\ndir ${dir}\n`);
  const address = `127.0.0.1:${port}`;
  await vi.waitFor(() => expect(assertRedisReachable(`redis://:${password}@${address}`, 500).then(() => true, () => false), 'redis-server to answer').toBeTruthy(), { timeout: 15_000, interval: 10 });
  return address;
}

describe.skipIf(!redisServer)('topolab up --redis-url against a Redis with requirepass', () => {
  it('exits 3 with TOPOLOGY_BACKEND_UNREACHABLE for a wrong password or none, before any instance starts, never printing it', async () => {
    const address = await startRedisWithPassword(randomBytes(16).toString('hex'));
    for (const [url, reason] of [
      [`redis://:wrong-password-123@${address}`, 'the user or password was refused'],
      [`redis://${address}`, 'it needs a password, and the URL holds none'],
    ] as const) {
      const dataDir = join(tempDir('up'), 'data');
      const run = await runCli(['up', '--port', '0', '--cache', 'redis', '--bus', 'redis', '--data-dir', dataDir], 60_000, { REDIS_URL: url });
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^✖ TOPOLOGY_BACKEND_UNREACHABLE  [^\n]+\n  hint: [^\n]+\n$/);
      expect(run.stderr).toContain(`Redis at ${address} is unreachable: ${reason}.`);
      expect(run.stdout).not.toMatch(/\bstarting\s+pid\b/);
      expect(`${run.stdout}${run.stderr}`).not.toContain('wrong-password-123');
    }
  }, 90_000);

  it('starts with the right password: all ready, status answers, the password printed nowhere', async () => {
    const password = randomBytes(16).toString('hex');
    const address = await startRedisWithPassword(password);
    const dir = tempDir('up');
    const up = startCli(['up', '--port', '0', '--cache', 'redis', '--bus', 'redis', '--auth', 'global', '--data-dir', dir], { REDIS_URL: `redis://:${password}@${address}` });
    onTestFinished(async () => {
      up.child.kill('SIGKILL');
      await up.exited;
    });
    await up.waitForOutput('all ready in', 90_000);
    const status = await runCli(['status', '--json', '--data-dir', dir]);
    expect(status.code).toBe(0);
    const ids = (JSON.parse(status.stdout) as { instances: { id: string }[] }).instances.map((instance) => instance.id);
    expect(ids).not.toContain('redis#1');
    expect(ids).not.toContain('cache#1');
    up.child.kill('SIGINT');
    expect((await up.exited).code).toBe(0);
    expect(up.output()).not.toContain(password);
  }, 120_000);
});
