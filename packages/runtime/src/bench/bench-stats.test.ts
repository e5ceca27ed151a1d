import { describe, expect, it } from 'vitest';
import { planThroughputRows } from './bench-plan.js';
import { latencyFigures, median, medianCpu, medianOfRounds, percentile, proxyRatios, ratio, summarizeRows } from './bench-stats.js';
import type { ThroughputRow, ThroughputSample } from './bench-types.js';

const sample = (rowId: string, round: number, requestsPerSec: number, p99: number, errors = 0): ThroughputSample => ({
  rowId,
  round,
  requestsPerSec,
  requests: requestsPerSec,
  latencyMs: { p50: p99 / 4, p90: p99 / 2, p99, max: p99 * 2 },
  errors,
  timeouts: 0,
  non2xx: 0,
  durationMs: 1000,
});

describe('bench statistics', () => {
  it('takes percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('takes the median, the mean of the middle two for an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('divides only by a positive finite base', () => {
    expect(ratio(50, 200)).toBe(0.25);
    expect(ratio(50, 0)).toBeUndefined();
    expect(ratio(undefined, 10)).toBeUndefined();
    expect(ratio(Number.NaN, 10)).toBeUndefined();
  });

  it('summarises raw latencies', () => {
    const figures = latencyFigures([5, 1, 4, 2, 3]);
    expect(figures).toEqual({ p50: 3, p90: 5, p99: 5, max: 5 });
    expect(latencyFigures([]).max).toBeNaN();
  });

  it('takes the median of each figure over the rounds on its own', () => {
    const m = medianOfRounds([sample('direct', 1, 1000, 9), sample('direct', 2, 3000, 3), sample('direct', 3, 2000, 6, 4)]);
    expect(m.requestsPerSec).toBe(2000);
    expect(m.latencyMs.p99).toBe(6);
    expect(m.errors).toBe(0);
  });

  it('gives every row its ratio to direct, and keeps why a row is missing', () => {
    const rows: ThroughputRow[] = [
      { id: 'direct', kind: 'direct' },
      { id: 'client/local', kind: 'gateway', modes: { discovery: 'client', auth: 'local' } },
      { id: 'client/none', kind: 'gateway', modes: { discovery: 'client', auth: 'none' } },
      { id: 'nginx', kind: 'nginx' },
    ];
    const samples = [sample('direct', 1, 4000, 10), sample('direct', 2, 4000, 10), sample('client/local', 1, 1000, 30), sample('client/local', 2, 2000, 50)];
    const summary = summarizeRows(rows, samples, new Map([['client/none', 'no such mode']]));
    expect(summary.map((row) => row.id)).toEqual(['direct', 'client/local', 'client/none', 'nginx']);
    expect(summary[0]!.toDirect).toEqual({ throughput: 1, p99: 1 });
    expect(summary[1]!.median?.requestsPerSec).toBe(1500);
    expect(summary[1]!.toDirect?.throughput).toBeCloseTo(0.375);
    expect(summary[1]!.toDirect?.p99).toBeCloseTo(4);
    expect(summary[1]!.samples).toHaveLength(2);
    expect(summary[2]).toMatchObject({ missing: 'no such mode', samples: [] });
    expect(summary[2]!.median).toBeUndefined();
    expect(summary[3]!.missing).toBe('not measured');
  });

  it('takes the median of each CPU group over the rounds, a group absent from a round counting 0, and drops those under 2 µs', () => {
    const cpu = medianCpu([
      { usPerRequest: { 'gateway#1': 150, profile: 90, others: 1.5 }, totalUs: 240 },
      { usPerRequest: { 'gateway#1': 170, profile: 100, 'auth#1': 3 }, totalUs: 273 },
      { usPerRequest: { 'gateway#1': 160, profile: 95, 'auth#1': 4, others: 2.5 }, totalUs: 259 },
      undefined,
    ]);
    expect(cpu).toEqual({ usPerRequest: { 'gateway#1': 160, profile: 95, 'auth#1': 3 }, totalUs: 259 });
    expect(medianCpu([undefined, undefined])).toBeUndefined();
  });

  it('sets the proxies against each other: every gateway row ÷ bare-node, bare-node ÷ nginx, in req/s and the proxy’s own CPU', () => {
    // direct, nginx, bare-node, client/local, client/none
    const rows = planThroughputRows({ discovery: ['client'], auth: ['local', 'none'], backends: [] });
    const withCpu = (s: ThroughputSample, usPerRequest: Record<string, number>): ThroughputSample => ({ ...s, cpu: { usPerRequest, totalUs: Object.values(usPerRequest).reduce((a, b) => a + b, 0) } });
    const summaries = summarizeRows(rows, [
      withCpu(sample('direct', 1, 20_000, 5), { profile: 40 }),
      withCpu(sample('nginx', 1, 12_000, 6), { nginx: 25, profile: 50 }),
      withCpu(sample('bare-node', 1, 8000, 8), { 'bare-node': 60, profile: 55 }),
      withCpu(sample('client/local', 1, 4000, 12), { 'gateway#1': 150, profile: 60 }),
    ]);
    expect(summaries[2]!.median!.cpu).toEqual({ usPerRequest: { 'bare-node': 60, profile: 55 }, totalUs: 115 });
    expect(proxyRatios(summaries)).toEqual([
      { id: 'client/local ÷ bare-node', row: 'client/local', base: 'bare-node', throughput: 0.5, proxyCpu: { ratio: 2.5, group: 'gateway#1', us: 150, baseGroup: 'bare-node', baseUs: 60 } },
      { id: 'bare-node ÷ nginx', row: 'bare-node', base: 'nginx', throughput: 8000 / 12_000, proxyCpu: { ratio: 2.4, group: 'bare-node', us: 60, baseGroup: 'nginx', baseUs: 25 } },
    ]);
    // Without CPU figures (off Linux) the req/s ratios stay; without a bare-node row there are none.
    const plain = summarizeRows(rows, [sample('nginx', 1, 12_000, 6), sample('bare-node', 1, 6000, 8)]);
    expect(proxyRatios(plain)).toEqual([{ id: 'bare-node ÷ nginx', row: 'bare-node', base: 'nginx', throughput: 0.5 }]);
    expect(proxyRatios(summarizeRows(rows, [sample('nginx', 1, 12_000, 6), sample('client/local', 1, 4000, 12)]))).toEqual([]);
  });
});
