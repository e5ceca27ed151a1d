import type { RoundSnapshot, TargetCheck, ThroughputRowSummary } from './bench-types.js';

/** The targets, as numbers. */
export const benchTargets = Object.freeze({
  /** The gateway row checked against the references. */
  gatewayRow: 'client/local',
  /** The row `local` is compared with to price the auth check. */
  noAuthRow: 'client/none',
  minThroughputToNginx: 0.6,
  minThroughputToDirect: 0.4,
  maxP99ToDirect: 3,
  /** `local` may cost at most this share of `none`'s throughput. */
  maxAuthCost: 0.1,
  maxGatewayRssMb: 150,
  /** More than this between the first and the last round counts as growing. */
  maxGatewayRssGrowthMb: 10,
});

/** What checkTargets reads: the table's rows and the gateway memory after each round. */
export interface TargetInputs {
  readonly rows: readonly ThroughputRowSummary[];
  readonly rounds: readonly RoundSnapshot[];
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const rps = (value: number) => `${Math.round(value)}`;

/**
 * Checks the targets against the bench's own figures (medians of one run): the
 * gateway (client/local) against nginx and direct, the price of the auth check against the
 * bench-only `none` mode, and the gateway's memory. A target whose figures are missing is
 * `unmeasured`, with the reason.
 */
export function checkTargets(inputs: TargetInputs): TargetCheck[] {
  const t = benchTargets;
  const row = (id: string) => inputs.rows.find((candidate) => candidate.id === id);
  const gateway = row(t.gatewayRow);
  const checks: TargetCheck[] = [];

  const compare = (id: string, label: string, baseId: string, run: (g: NonNullable<ThroughputRowSummary['median']>, b: NonNullable<ThroughputRowSummary['median']>) => { ok: boolean; actual: string }) => {
    const base = row(baseId);
    const why = !gateway?.median ? `${t.gatewayRow} ${gateway?.missing ?? 'not run'}` : !base?.median ? `${baseId} ${base?.missing ?? 'not run'}` : undefined;
    if (why !== undefined || !gateway?.median || !base?.median) {
      checks.push({ id, label, status: 'unmeasured', actual: why ?? 'not measured' });
      return;
    }
    const { ok, actual } = run(gateway.median, base.median);
    checks.push({ id, label, status: ok ? 'pass' : 'fail', actual });
  };

  compare('throughput-vs-nginx', `${t.gatewayRow} throughput ≥ ${t.minThroughputToNginx} × nginx`, 'nginx', (g, b) => {
    const r = g.requestsPerSec / b.requestsPerSec;
    return { ok: r >= t.minThroughputToNginx, actual: `${round(r)} × nginx (${rps(g.requestsPerSec)} vs ${rps(b.requestsPerSec)} req/s)` };
  });
  compare('throughput-vs-direct', `${t.gatewayRow} throughput ≥ ${t.minThroughputToDirect} × direct`, 'direct', (g, b) => {
    const r = g.requestsPerSec / b.requestsPerSec;
    return { ok: r >= t.minThroughputToDirect, actual: `${round(r)} × direct (${rps(g.requestsPerSec)} vs ${rps(b.requestsPerSec)} req/s)` };
  });
  compare('p99-vs-direct', `${t.gatewayRow} p99 ≤ ${t.maxP99ToDirect} × direct p99`, 'direct', (g, b) => {
    const r = g.latencyMs.p99 / b.latencyMs.p99;
    return { ok: r <= t.maxP99ToDirect, actual: `${round(r)} × direct (${round(g.latencyMs.p99, 1)} vs ${round(b.latencyMs.p99, 1)} ms)` };
  });
  compare('auth-cost', `local costs ≤ ${t.maxAuthCost * 100} % of throughput against none`, t.noAuthRow, (g, b) => {
    const cost = 1 - g.requestsPerSec / b.requestsPerSec;
    return { ok: cost <= t.maxAuthCost, actual: `${round(cost * 100, 1)} % (${rps(g.requestsPerSec)} vs ${rps(b.requestsPerSec)} req/s)` };
  });
  checks.push(...checkGatewayMemory(inputs.rounds));
  return checks;
}

/** The gateway's RSS stays under the ceiling after every round, and does not grow from the first round to the last. */
export function checkGatewayMemory(rounds: readonly RoundSnapshot[]): TargetCheck[] {
  const t = benchTargets;
  const peaks = rounds.map((snapshot) => Math.max(...Object.values(snapshot.gatewayRssMb).filter(Number.isFinite)));
  const measured = peaks.filter(Number.isFinite);
  const loadSeconds = rounds.at(-1)?.gatewayLoadSeconds ?? 0;
  const ceilingLabel = `gateway RSS ≤ ${t.maxGatewayRssMb} MB`;
  const growthLabel = `gateway RSS not growing across rounds (≤ ${t.maxGatewayRssGrowthMb} MB from first to last)`;
  if (measured.length === 0) {
    return [
      { id: 'gateway-rss', label: ceilingLabel, status: 'unmeasured', actual: 'no gateway memory was read' },
      { id: 'gateway-rss-growth', label: growthLabel, status: 'unmeasured', actual: 'no gateway memory was read' },
    ];
  }
  const peak = Math.max(...measured);
  const ceiling: TargetCheck = {
    id: 'gateway-rss',
    label: ceilingLabel,
    status: peak <= t.maxGatewayRssMb ? 'pass' : 'fail',
    actual: `${round(peak, 1)} MB at most, after ${Math.round(loadSeconds)} s of load`,
  };
  if (measured.length < 2) return [ceiling, { id: 'gateway-rss-growth', label: growthLabel, status: 'unmeasured', actual: 'needs 2 rounds or more' }];
  const growth = measured.at(-1)! - measured[0]!;
  return [
    ceiling,
    {
      id: 'gateway-rss-growth',
      label: growthLabel,
      status: growth <= t.maxGatewayRssGrowthMb ? 'pass' : 'fail',
      actual: `${measured.map((mb) => round(mb, 1)).join(' → ')} MB (${growth >= 0 ? '+' : ''}${round(growth, 1)} MB)`,
    },
  ];
}
