import { describe, expect, it } from 'vitest';
import { findWrk, hasProcfs, measureThroughput, normalizeBenchSettings, type ThroughputResult } from '../src/bench/index.js';

// One short round of the throughput section on the real topology: every row carries the CPU
// its processes spent per request (read from /proc), and the bare Node proxy is a row of its
// own. No figure is asserted beyond "measured": timing belongs to `topolab bench`, not to tests.
const settings = (load: 'autocannon' | 'wrk') => normalizeBenchSettings({ durationMs: 1000, warmupMs: 0, rounds: 1, discovery: ['client'], auth: ['local'], backends: [], sections: ['throughput'], load });

function checkRows(result: ThroughputResult): void {
  const row = (id: string) => result.rows.find((candidate) => candidate.id === id);
  expect(result.rows.map((r) => r.id)).toEqual(['direct', 'nginx', 'bare-node', 'client/local']);
  const bare = row('bare-node')!;
  expect(bare.missing).toBeUndefined();
  expect(bare.median!.requestsPerSec).toBeGreaterThan(0);
  // Every answer a 200: the identity header (direct, nginx, bare-node) or the token (the gateway) went along.
  for (const measured of result.rows.filter((r) => r.median)) expect(measured.samples[0]!.non2xx, measured.id).toBe(0);
  expect(result.ratios?.map((ratio) => ratio.id)).toContain('client/local ÷ bare-node');
  if (!hasProcfs()) return;
  expect(result.cpuMeasured).toBe(true);
  for (const measured of result.rows.filter((r) => r.median)) {
    const cpu = measured.samples[0]!.cpu!;
    // profile#1 + profile#2 serve every row.
    expect(cpu.usPerRequest.profile, measured.id).toBeGreaterThan(0);
    expect(cpu.totalUs, measured.id).toBeGreaterThanOrEqual(cpu.usPerRequest.profile!);
  }
  expect(row('client/local')!.samples[0]!.cpu!.usPerRequest['gateway#1']).toBeGreaterThan(0);
  expect(bare.samples[0]!.cpu!.usPerRequest['bare-node']).toBeGreaterThan(0);
  // The direct row passes no proxy.
  expect(row('direct')!.samples[0]!.cpu!.usPerRequest['gateway#1'] ?? 0).toBeLessThan(row('client/local')!.samples[0]!.cpu!.usPerRequest['gateway#1']!);
  const nginx = row('nginx')!;
  if (nginx.median) expect(nginx.samples[0]!.cpu!.usPerRequest.nginx).toBeGreaterThan(0);
}

describe('the throughput section measures CPU per request and the bare Node proxy', () => {
  it('with autocannon in the bench process', async () => {
    const result = await measureThroughput(settings('autocannon'));
    checkRows(result);
    if (hasProcfs()) expect(result.rows[0]!.samples[0]!.cpu!.usPerRequest.bench).toBeGreaterThan(0);
  }, 120_000);

  it.skipIf(!findWrk())('with wrk as a child process, one per URL on the direct row', async () => {
    const result = await measureThroughput(settings('wrk'));
    checkRows(result);
    expect(result.loadGenerator).toContain('wrk -t1');
    if (hasProcfs()) expect(result.rows.find((r) => r.id === 'client/local')!.samples[0]!.cpu!.usPerRequest.wrk).toBeGreaterThan(0);
  }, 120_000);
});
