import { describe, expect, it } from 'vitest';
import { latencyFigures, median, medianOfRounds, percentile, ratio, summarizeRows } from './bench-stats.js';
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
});
