import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
});
