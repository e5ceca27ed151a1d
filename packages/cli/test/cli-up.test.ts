import { Resolver } from 'node:dns/promises';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { findProgram } from '@topolab/runtime';
import { backendsRequired } from '@topolab/test-support/programs';
import { isAlive, runCli, startCli } from './run-cli.js';

const realParts = Boolean(findProgram('redis-server') && findProgram('nginx'));
if (!realParts && backendsRequired()) throw new Error('redis-server and nginx are required (TOPOLAB_REQUIRE_BACKENDS=1) but not installed');

interface StatusJson {
  gatewayUrl: string;
  edge: { url: string; redirectUrl?: string; tls?: { caFile: string }; dns?: { host: string; port: number; name: string } };
  instances: { id: string; service: string; pid: number; state: string; host: string }[];
}

/** GET over HTTPS trusting `ca`; resolves with the status. */
function getWithCa(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

async function startUp(extra: readonly string[] = []): Promise<{ dir: string; up: ReturnType<typeof startCli>; status: StatusJson }> {
  const dir = mkdtempSync(join(tmpdir(), 'topolab-up-'));
  const up = startCli(['up', '--port', '0', '--data-dir', dir, ...extra]);
  onTestFinished(async () => {
    up.child.kill('SIGKILL');
    await up.exited;
    rmSync(dir, { recursive: true, force: true });
  });
  await up.waitForOutput('all ready in');
  // Checked the moment the line is out: "all ready" comes after control.json is written, not before.
  expect(existsSync(join(dir, 'control.json'))).toBe(true);
  const run = await runCli(['status', '--json', '--data-dir', dir]);
  expect(run.code).toBe(0);
  return { dir, up, status: JSON.parse(run.stdout) as StatusJson };
}

describe('topolab up', () => {
  it('runs every instance on its own loopback address, serves status and phone, and stops cleanly on Ctrl-C', async () => {
    const { dir, up, status } = await startUp();
    expect(status.instances.map((instance) => instance.id).sort()).toEqual(['auth#1', 'bus#1', 'cache#1', 'chat#1', 'chat#2', 'dns#1', 'gateway#1', 'graphql#1', 'lb#1', 'mail#1', 'profile#1', 'profile#2', 'registry#1', 'sidecar#1', 'sms#1']);
    expect(status.instances.every((instance) => instance.state === 'ready')).toBe(true);
    if (process.platform === 'linux') {
      const hosts = status.instances.filter((instance) => instance.service !== 'gateway').map((instance) => instance.host);
      expect(new Set(hosts).size).toBe(hosts.length);
    }
    expect(existsSync(join(dir, 'control.json'))).toBe(true);

    const plain = await runCli(['status', '--data-dir', dir]);
    expect(plain.stdout).toMatch(/profile#2\s+127\.0\.\d+\.\d+:\d+\s+\d+\s+ready/);

    const phone = await runCli(['phone', '+447700900123', '--data-dir', dir]);
    expect(phone.code).toBe(0);
    expect(phone.stdout).toContain('has received no message');
    // The authenticator app of a user who has none: auth's 404, as the CLI prints any refusal.
    const authenticator = await runCli(['authenticator', 'nobody', '--data-dir', dir]);
    expect(authenticator.code).toBe(2);
    expect(authenticator.stderr).toContain('✖ AUTH_USER_UNKNOWN');

    // HTTPS with the CA that status names; plain HTTP redirects (RFC 9110 §15.4.9); dns#1 answers for the gateway.
    expect(status.gatewayUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(plain.stdout).toContain(`https     CA ${status.edge.tls?.caFile}`);
    const health = await getWithCa(`${status.gatewayUrl}/health`, readFileSync(status.edge.tls!.caFile, 'utf8'));
    expect(health).toBe(200);
    const redirect = await fetch(`${status.edge.redirectUrl}/health`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe(`${status.gatewayUrl}/health`);
    const resolver = new Resolver();
    resolver.setServers([`${status.edge.dns!.host}:${status.edge.dns!.port}`]);
    expect(await resolver.resolve4('www.topolab.test')).toEqual(['127.0.0.1']);

    up.child.kill('SIGINT');
    const exit = await up.exited;
    expect(exit.code).toBe(0);
    expect(status.instances.filter((instance) => isAlive(instance.pid))).toEqual([]);
    expect(existsSync(join(dir, 'control.json'))).toBe(false);
    expect(up.output()).toContain('stopped: every instance has exited');
  });

  it('leaves no child behind when the CLI itself is killed with SIGKILL', async () => {
    const { up, status } = await startUp();
    up.child.kill('SIGKILL');
    await up.exited;
    const pids = status.instances.map((instance) => instance.pid);
    // The children notice the closed IPC channel and exit; `bench/lifecycle.mjs` measures how fast.
    await expect.poll(() => pids.every((pid) => !isAlive(pid)), { timeout: 10_000, message: 'every child to exit' }).toBeTruthy();
  });

  it.skipIf(!realParts)('leaves no redis-server and no nginx (master or worker) behind when the CLI is killed with SIGKILL', async () => {
    const { up, status } = await startUp(['--cache', 'redis', '--bus', 'redis', '--lb', 'nginx']);
    const nginx = status.instances.find((instance) => instance.id === 'nginx#1')!;
    expect(status.instances.map((instance) => instance.id)).toEqual(expect.arrayContaining(['redis#1', 'nginx#1', 'nginx-sync#1']));
    up.child.kill('SIGKILL');
    await up.exited;
    const pids = status.instances.map((instance) => instance.pid);
    // nginx's master leads its process group: once the group is empty, its worker is gone too.
    const groupAlive = (pgid: number) => {
      try {
        process.kill(-pgid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await expect.poll(() => pids.every((pid) => !isAlive(pid)) && !groupAlive(nginx.pid), { timeout: 10_000, message: 'every child, redis-server and both nginx processes to exit' }).toBeTruthy();
  });

  it('reports an instance killed behind its back, with its exit signal', async () => {
    const { up, status } = await startUp();
    const victim = status.instances.find((instance) => instance.id === 'profile#1')!;
    process.kill(victim.pid, 'SIGKILL');
    await up.waitForOutput('profile#1   crashed (signal SIGKILL)');
    await up.waitForOutput('evicted profile#1');
  });

  it('scales, injects faults and shows the modes against a running up', async () => {
    const { dir, up } = await startUp();
    const scaled = await runCli(['scale', 'profile', '3', '--data-dir', dir]);
    expect(scaled.code).toBe(0);
    expect(scaled.stdout).toContain('started profile#3');
    await up.waitForOutput('scale profile · 2 → 3');
    const status = await runCli(['status', '--json', '--data-dir', dir]);
    const after = JSON.parse(status.stdout) as StatusJson & { modes: { discovery: string; auth: string } };
    expect(after.instances.find((instance) => instance.id === 'profile#3')?.state).toBe('ready');
    expect(after.modes).toEqual({ discovery: 'client', auth: 'remote' });

    const unknown = await runCli(['kill', 'profile#9', '--data-dir', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('✖ SUPERVISOR_UNKNOWN_INSTANCE');
    const notScalable = await runCli(['scale', 'registry', '2', '--data-dir', dir]);
    expect(notScalable.code).toBe(2);
    expect(notScalable.stderr).toContain('TOPOLOGY_NOT_SCALABLE');

    const killed = await runCli(['kill', 'profile#3', '--data-dir', dir]);
    expect(killed.code).toBe(0);
    await up.waitForOutput('kill profile#3 · SIGKILL');
    const again = await runCli(['kill', 'profile#3', '--data-dir', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('SUPERVISOR_NOT_RUNNING');

    const mode = await runCli(['mode', '--data-dir', dir]);
    expect(mode.code).toBe(0);
    expect(mode.stdout).toContain('discovery client · auth remote');
    const plain = await runCli(['status', '--data-dir', dir]);
    expect(plain.stdout).toContain('modes     discovery client · auth remote');
  });
});
