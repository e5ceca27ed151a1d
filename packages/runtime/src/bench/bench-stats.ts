import type { CpuFigures, LatencyFigures, ProxyRatio, ThroughputRow, ThroughputRowSummary, ThroughputSample } from './bench-types.js';
import { minCpuUsPerRequest } from './process-cpu.js';

/** Percentile `p` (0–100) by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median (the mean of the middle two for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `value / base`, or undefined when either is not a positive finite number. */
export function ratio(value: number | undefined, base: number | undefined): number | undefined {
  if (value === undefined || base === undefined || !Number.isFinite(value) || !Number.isFinite(base) || base <= 0) return undefined;
  return value / base;
}

/** Latency percentiles (ms) of raw per-request latencies. */
export function latencyFigures(latenciesMs: readonly number[]): LatencyFigures {
  return {
    p50: percentile(latenciesMs, 50),
    p90: percentile(latenciesMs, 90),
    p99: percentile(latenciesMs, 99),
    max: latenciesMs.length === 0 ? Number.NaN : latenciesMs.reduce((a, b) => (b > a ? b : a), -Infinity),
  };
}

/** The median of each figure of a row's samples, one per round (each figure on its own). */
export function medianOfRounds(samples: readonly ThroughputSample[]): NonNullable<ThroughputRowSummary['median']> {
  const of = (pick: (sample: ThroughputSample) => number) => median(samples.map(pick));
  const cpu = medianCpu(samples.map((s) => s.cpu));
  return {
    requestsPerSec: of((s) => s.requestsPerSec),
    latencyMs: { p50: of((s) => s.latencyMs.p50), p90: of((s) => s.latencyMs.p90), p99: of((s) => s.latencyMs.p99), max: of((s) => s.latencyMs.max) },
    errors: of((s) => s.errors),
    non2xx: of((s) => s.non2xx),
    ...(cpu ? { cpu } : {}),
  };
}

/**
 * The median over rounds of each group's µs of CPU per request, keeping the groups whose median
 * is at least `minUs` (a group absent from a round counts 0 there); undefined when no round has
 * CPU figures (no /proc).
 */
export function medianCpu(samples: readonly (CpuFigures | undefined)[], minUs = minCpuUsPerRequest): CpuFigures | undefined {
  const measured = samples.filter((sample): sample is CpuFigures => sample !== undefined);
  if (measured.length === 0) return undefined;
  const groups = [...new Set(measured.flatMap((sample) => Object.keys(sample.usPerRequest)))];
  const usPerRequest: Record<string, number> = {};
  for (const group of groups) {
    const value = median(measured.map((sample) => sample.usPerRequest[group] ?? 0));
    if (value >= minUs) usPerRequest[group] = value;
  }
  return { usPerRequest, totalUs: median(measured.map((sample) => sample.totalUs)) };
}

/** The group of a row's proxy in its CPU figures: `gateway#1` (the gateways summed when several), `nginx`, `bare-node`. */
export function proxyGroupOf(row: Pick<ThroughputRowSummary, 'kind'>, cpu: CpuFigures | undefined): { group: string; us: number } | undefined {
  if (!cpu) return undefined;
  const groups = Object.keys(cpu.usPerRequest).filter((group) => (row.kind === 'gateway' ? group === 'gateway' || group.startsWith('gateway#') : group === row.kind));
  if (groups.length === 0) return undefined;
  return { group: groups.join('+'), us: groups.reduce((sum, group) => sum + cpu.usPerRequest[group]!, 0) };
}

/**
 * The proxies against each other: every measured gateway row ÷ bare-node (what the gateway
 * adds to Node) and bare-node ÷ nginx (what Node costs against a C proxy), in req/s and in the
 * proxy process's own CPU per request.
 */
export function proxyRatios(rows: readonly ThroughputRowSummary[]): ProxyRatio[] {
  const bare = rows.find((row) => row.kind === 'bare-node' && row.median);
  const nginx = rows.find((row) => row.kind === 'nginx' && row.median);
  const pairs = [...(bare ? rows.filter((row) => row.kind === 'gateway' && row.median).map((row) => [row, bare] as const) : []), ...(bare && nginx ? [[bare, nginx] as const] : [])];
  return pairs.flatMap(([row, base]) => {
    const throughput = ratio(row.median!.requestsPerSec, base.median!.requestsPerSec);
    if (throughput === undefined) return [];
    const proxy = proxyGroupOf(row, row.median!.cpu);
    const baseProxy = proxyGroupOf(base, base.median!.cpu);
    const cpuRatio = ratio(proxy?.us, baseProxy?.us);
    return [
      {
        id: `${row.id} ÷ ${base.id}`,
        row: row.id,
        base: base.id,
        throughput,
        ...(cpuRatio !== undefined ? { proxyCpu: { ratio: cpuRatio, group: proxy!.group, us: proxy!.us, baseGroup: baseProxy!.group, baseUs: baseProxy!.us } } : {}),
      },
    ];
  });
}

/**
 * Summarises every row: its samples, the median over rounds, and the ratio of its median
 * req/s and p99 to the direct row's. A row without samples keeps its `missing` reason.
 */
export function summarizeRows(rows: readonly ThroughputRow[], samples: readonly ThroughputSample[], missing: ReadonlyMap<string, string> = new Map()): ThroughputRowSummary[] {
  const medians = new Map(
    rows.map((row) => {
      const own = samples.filter((sample) => sample.rowId === row.id);
      return [row.id, own.length > 0 ? medianOfRounds(own) : undefined] as const;
    }),
  );
  const direct = medians.get('direct');
  return rows.map((row) => {
    const own = samples.filter((sample) => sample.rowId === row.id);
    const rowMedian = medians.get(row.id);
    const throughput = ratio(rowMedian?.requestsPerSec, direct?.requestsPerSec);
    const p99 = ratio(rowMedian?.latencyMs.p99, direct?.latencyMs.p99);
    const reason = missing.get(row.id) ?? (own.length === 0 ? 'not measured' : undefined);
    return {
      ...row,
      samples: own,
      ...(rowMedian ? { median: rowMedian } : {}),
      ...(throughput !== undefined && p99 !== undefined ? { toDirect: { throughput, p99 } } : {}),
      ...(reason !== undefined && !rowMedian ? { missing: reason } : {}),
    };
  });
}
