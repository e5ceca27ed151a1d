import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { startBareProxy } from '../src/bench/bare-proxy-process.js';
import { readCpuProfiles } from '../src/bench/index.js';
import { startRealTopology } from './real-topology.js';

// `topolab bench --cpu-prof`: the profiled services run under `node --cpu-prof`, and a stopped
// instance (SIGTERM, then its own exit) leaves a V8 profile the summary reads.
describe('CPU profiles of a topology', () => {
  const dir = mkdtempSync(join(tmpdir(), 'topolab-cpu-prof-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one profile per instance of the profiled services when they stop, and none for the others', async () => {
    const real = await startRealTopology({ prefix: 'cpu-prof', cpuProfile: { dir, services: ['gateway'] } });
    try {
      expect((await real.gateway.request({ method: 'GET', path: '/health' })).status).toBe(200);
    } finally {
      await real.stop();
    }
    const profiles = readCpuProfiles(dir);
    expect(profiles.map((profile) => profile.instance)).toEqual(['gateway#1']);
    expect(profiles[0]!.busyMs).toBeGreaterThan(0);
    expect(profiles[0]!.top.length).toBeGreaterThan(0);
    expect(profiles[0]!.top.some((fn) => fn.location.startsWith('gateway.'))).toBe(true);
  });

  it('profiles the bare Node proxy beside them when asked (bare-node#1), once it stopped', async () => {
    const own = mkdtempSync(join(dir, 'bare-'));
    const upstream = createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const proxy = await startBareProxy([{ host: '127.0.0.1', port: (upstream.address() as { port: number }).port }], { cpuProfileDir: own });
    try {
      for (let i = 0; i < 50; i++) expect((await fetch(proxy.url)).status).toBe(200);
    } finally {
      await proxy.stop();
      upstream.close();
    }
    // Which functions the 1 ms sampler caught in so short a run depends on the machine's load:
    // the file, named for the bare proxy, and its busy time are what is certain.
    const profiles = readCpuProfiles(own);
    expect(profiles.map((profile) => profile.instance)).toEqual(['bare-node#1']);
    expect(profiles[0]!.file).toBe('bare-node-1.cpuprofile');
    expect(profiles[0]!.busyMs).toBeGreaterThan(0);
  });
});
