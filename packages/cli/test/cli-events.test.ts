import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startControlServer, type AppliedEvent, type DomainEvent, type InstanceInfo } from '@topolab/runtime';
import type { ControlTopology } from '@topolab/runtime/control';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli, startCli } from './run-cli.js';
import { testDir } from '@topolab/test-support/files';

/** A fake instance answering `answer(path)` as JSON on 127.0.0.1:0. */
async function fakeInstance(id: string, answer: (url: URL) => unknown): Promise<InstanceInfo> {
  const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(new URL(req.url ?? '/', 'http://fake')))));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const [service, index] = id.split('#');
  return { id, service, index: Number(index), host: '127.0.0.1', port: (server.address() as AddressInfo).port, state: 'ready' } as InstanceInfo;
}

const t0 = Date.UTC(2030, 0, 1, 12, 0, 0);
const log: DomainEvent[] = [
  { seq: 1, eventId: 'e1', type: 'user.updated', occurredAt: t0, publishedAt: t0 + 1, data: { userId: 'u1', username: 'ada', firstName: 'Ada' } },
  { seq: 2, eventId: 'e2', type: 'user.deleted', occurredAt: t0 + 1000, publishedAt: t0 + 1001, data: { userId: 'u1', username: 'ada' } },
];

/** A topology of one auth and one profile behind a real control server in its own data dir; `profileApplied` can change. */
async function startFakeTopology(): Promise<{ dataDir: string; profileApplied: AppliedEvent[] }> {
  const profileApplied: AppliedEvent[] = [{ seq: 1, eventId: 'e1', type: 'user.updated', appliedAt: t0 + 12, appliedBy: 'profile#1', effect: { profiles: 1 } }];
  const auth = await fakeInstance('auth#1', (url) => ({ events: log.filter((event) => event.seq > Number(url.searchParams.get('after'))), latestSeq: log.length }));
  const profile = await fakeInstance('profile#1', () => ({ service: 'profile', events: profileApplied, cursor: profileApplied.length }));
  const dataDir = testDir('cli-events');
  const topology = { instances: () => [auth, profile], serviceToken: async () => 'token' } as unknown as ControlTopology;
  const control = await startControlServer({ topology, dataDir });
  onTestFinished(() => control.close());
  return { dataDir, profileApplied };
}

describe('topolab events', () => {
  it('prints one line per event with each consumer, without a TTY and without colour', async () => {
    const { dataDir } = await startFakeTopology();
    const run = await runCli(['events', '--data-dir', dataDir]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^#1 +user\.updated +u1 \(ada\) → Ada +\d\d:\d\d:\d\d\.\d{3} +profile ✓ 12 ms \(profile#1\)$/);
    expect(lines[1]).toMatch(/^#2 +user\.deleted +u1 \(ada\) .* profile … pending$/);
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('filters by --type and prints JSON with --json', async () => {
    const { dataDir } = await startFakeTopology();
    const run = await runCli(['events', '--data-dir', dataDir, '--type', 'user.deleted', '--json']);
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(answer.events.map((event: DomainEvent) => event.seq)).toEqual([2]);
    expect(answer.events[0].consumers).toEqual({ profile: { state: 'pending' } });
  });

  it('with --follow prints an event again when a consumer applies it, and stops on Ctrl-C', async () => {
    const { dataDir, profileApplied } = await startFakeTopology();
    const cli = startCli(['events', '--data-dir', dataDir, '--follow']);
    onTestFinished(() => void cli.child.kill('SIGKILL'));
    await cli.waitForOutput('profile … pending');
    profileApplied.push({ seq: 2, eventId: 'e2', type: 'user.deleted', appliedAt: t0 + 1025, appliedBy: 'profile#1', effect: { profiles: 1 } });
    await cli.waitForOutput('profile ✓ 25 ms');
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(0);
  });

  it('exits 2 on a usage error', async () => {
    for (const args of [['events', '--type', 'user.created'], ['events', '--limit', '0'], ['events', '--limit', '1001'], ['events', '--after', '-1']]) {
      expect((await runCli(args)).code).toBe(2);
    }
  });
});
