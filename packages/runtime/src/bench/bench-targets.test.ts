import { describe, expect, it } from 'vitest';
import { checkGatewayMemory, checkTargets } from './bench-targets.js';
import type { RoundSnapshot, ThroughputRowSummary } from './bench-types.js';

function row(id: string, requestsPerSec: number | undefined, p99 = 10): ThroughputRowSummary {
  const kind = id === 'direct' || id === 'nginx' ? id : 'gateway';
  if (requestsPerSec === undefined) return { id, kind, samples: [], missing: 'not here' };
  return { id, kind, samples: [], median: { requestsPerSec, latencyMs: { p50: p99 / 4, p90: p99 / 2, p99, max: p99 }, errors: 0, non2xx: 0 } };
}

const snapshots = (...mbs: number[]): RoundSnapshot[] => mbs.map((mb, i) => ({ round: i + 1, gatewayRssMb: { 'gateway#1': mb }, gatewayLoadSeconds: 20 * (i + 1) }));
const byId = (checks: ReturnType<typeof checkTargets>) => Object.fromEntries(checks.map((check) => [check.id, check.status]));

describe('bench targets', () => {
  it('pass when the gateway is close to the references', () => {
    const rows = [row('direct', 10_000, 10), row('nginx', 8000, 12), row('client/local', 5000, 25), row('client/none', 5400, 20)];
    expect(byId(checkTargets({ rows, rounds: snapshots(90, 92, 95) }))).toEqual({
      'throughput-vs-nginx': 'pass',
      'throughput-vs-direct': 'pass',
      'p99-vs-direct': 'pass',
      'auth-cost': 'pass',
      'gateway-rss': 'pass',
      'gateway-rss-growth': 'pass',
    });
  });

  it('fail on each threshold crossed', () => {
    const rows = [row('direct', 10_000, 10), row('nginx', 8000, 12), row('client/local', 3000, 31), row('client/none', 4000, 20)];
    const checks = checkTargets({ rows, rounds: snapshots(140, 151, 170) });
    expect(byId(checks)).toEqual({
      'throughput-vs-nginx': 'fail',
      'throughput-vs-direct': 'fail',
      'p99-vs-direct': 'fail',
      'auth-cost': 'fail',
      'gateway-rss': 'fail',
      'gateway-rss-growth': 'fail',
    });
    expect(checks.find((c) => c.id === 'throughput-vs-nginx')!.actual).toContain('0.38 × nginx');
    expect(checks.find((c) => c.id === 'auth-cost')!.actual).toContain('25 %');
  });

  it('hold at exactly the threshold', () => {
    const rows = [row('direct', 1000, 10), row('nginx', 1000, 10), row('client/local', 600, 30), row('client/none', 600 / 0.9, 10)];
    expect(byId(checkTargets({ rows, rounds: snapshots(150, 150) }))).toMatchObject({ 'throughput-vs-nginx': 'pass', 'p99-vs-direct': 'pass', 'auth-cost': 'pass', 'gateway-rss': 'pass' });
  });

  it('are unmeasured, with the reason, when a row or a section is missing', () => {
    const checks = checkTargets({ rows: [row('direct', 1000), row('nginx', undefined), row('client/local', 500), row('client/none', undefined)], rounds: [] });
    expect(byId(checks)).toEqual({
      'throughput-vs-nginx': 'unmeasured',
      'throughput-vs-direct': 'pass',
      'p99-vs-direct': 'pass',
      'auth-cost': 'unmeasured',
      'gateway-rss': 'unmeasured',
      'gateway-rss-growth': 'unmeasured',
    });
    expect(checks[0]!.actual).toContain('nginx not here');
    expect(byId(checkTargets({ rows: [], rounds: [] }))['throughput-vs-direct']).toBe('unmeasured');
  });

  it('need two rounds to tell whether memory grows, and take the largest gateway', () => {
    expect(checkGatewayMemory(snapshots(100)).map((c) => c.status)).toEqual(['pass', 'unmeasured']);
    const two: RoundSnapshot[] = [
      { round: 1, gatewayRssMb: { 'gateway#1': 100, 'gateway#2': 160 }, gatewayLoadSeconds: 10 },
      { round: 2, gatewayRssMb: { 'gateway#1': 100, 'gateway#2': 150 }, gatewayLoadSeconds: 20 },
    ];
    expect(checkGatewayMemory(two).map((c) => c.status)).toEqual(['fail', 'pass']);
  });
});
