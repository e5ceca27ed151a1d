import { minCpuUsPerRequest, orderCpuGroups, outsideGroups } from '@topolab/runtime/cli-facts';
import type { BenchReport } from '@topolab/runtime';
import { formatDuration, formatMb, formatMs, formatRatio, formatRps, formatUs } from './figures.js';

/** A table every renderer lays out its own way (padded text, Markdown, HTML). */
export interface ReportTable {
  /** `throughput`, `memory`, `revocation`, `failover`, `fanout`, `coldstart`. */
  readonly id: string;
  readonly title: string;
  /** One line under the title saying how to read the table. */
  readonly caption?: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Columns aligned right (numbers), by index. */
  readonly numeric?: readonly number[];
}

/** One bar of the throughput chart: a row's median req/s (undefined when the row is missing). */
export interface ThroughputBar {
  readonly rowId: string;
  readonly requestsPerSec: number | undefined;
  readonly missing?: string;
}

/** Lines describing the run: machine, commit, settings. */
export function describeRun(report: BenchReport): string[] {
  const { machine: m, settings: s } = report;
  return [
    `machine   ${m.cpus} × ${m.cpuModel}, ${Math.round(m.totalMemoryMb / 1024)} GB, ${m.os}, Node ${m.node}${m.nginx ? `, ${m.nginx.replace(/^nginx version: /, '')}` : ''}`,
    ...(m.gitCommit ? [`commit    ${m.gitCommit}`] : []),
    `settings  discovery ${s.discovery.join(',')} · auth ${s.auth.join(',')} · ${formatDuration(s.durationMs)} per row after ${formatDuration(s.warmupMs)} warm-up · ${s.rounds} round${s.rounds === 1 ? '' : 's'} · ${s.connections} connections (${s.load ?? 'autocannon'}) · failover at ${s.rate} req/s · ${s.sessions} logouts · fan-out ${s.messages} messages to ${s.receivers} sockets`,
    `run       ${report.startedAt} → ${report.finishedAt}`,
  ];
}

/** The throughput table: medians over the rounds, ratios to direct, and every round's req/s. */
export function throughputTable(report: BenchReport): ReportTable | undefined {
  const t = report.throughput;
  if (!t) return undefined;
  return {
    id: 'throughput',
    title: 'Throughput and latency — GET /profile/me (median of rounds)',
    caption: `${t.loadGenerator}.`,
    headers: ['row', 'req/s', '× direct', 'p50 ms', 'p90 ms', 'p99 ms', 'p99 × direct', 'errors', 'non-2xx', 'req/s per round'],
    numeric: [1, 2, 3, 4, 5, 6, 7, 8],
    rows: t.rows.map((row) => {
      if (!row.median) return [row.id, '—', '—', '—', '—', '—', '—', '—', '—', `missing: ${row.missing ?? 'not measured'}`];
      const m = row.median;
      return [
        row.id,
        formatRps(m.requestsPerSec),
        formatRatio(row.toDirect?.throughput),
        formatMs(m.latencyMs.p50),
        formatMs(m.latencyMs.p90),
        formatMs(m.latencyMs.p99),
        formatRatio(row.toDirect?.p99),
        String(Math.round(m.errors)),
        String(Math.round(m.non2xx)),
        row.samples.map((sample) => formatRps(sample.requestsPerSec)).join(' · '),
      ];
    }),
  };
}

/**
 * CPU µs per request of every process a row's requests pass, one column per group (median of
 * rounds): the groups on the request's path, their total, then those outside it (others, the
 * load generator). `n/a` where there is no
 * /proc to read (off Linux), `—` where a group was under the threshold or not on the row's path.
 */
export function cpuTable(report: BenchReport): ReportTable | undefined {
  const t = report.throughput;
  if (!t) return undefined;
  const groups = orderCpuGroups(t.rows.flatMap((row) => Object.keys(row.median?.cpu?.usPerRequest ?? {})));
  const serving = groups.filter((group) => !outsideGroups.includes(group));
  const load = groups.filter((group) => outsideGroups.includes(group));
  const caption = `utime + stime from /proc/<pid>/stat of every process over the row's timed window, ÷ the requests it served (ticks of 10 ms: ± 10 ms ÷ requests). Under ${minCpuUsPerRequest} µs left out; profile = its instances summed; nginx = master + worker; total = every process on the path, those under ${minCpuUsPerRequest} µs included; outside it: others = the topology's instances off the row's path (registry, bus, chat, sms…, the idle gateway on a reference row: their background work ÷ the row's requests), bench = the bench process (autocannon, the supervisor), wrk = the wrk runs.`;
  if (groups.length === 0) {
    // No CPU figures at all: off Linux, or no row measured.
    return { id: 'cpu', title: 'CPU µs per request (median of rounds)', caption, headers: ['row', 'req/s', 'CPU µs per request'], numeric: [1], rows: t.rows.map((row) => [row.id, formatRps(row.median?.requestsPerSec), row.median ? 'n/a' : '—']) };
  }
  const headers = ['row', 'req/s', ...serving, 'total', ...load];
  return {
    id: 'cpu',
    title: 'CPU µs per request (median of rounds)',
    caption,
    headers,
    numeric: headers.map((_, i) => i).slice(1),
    rows: t.rows.map((row) => {
      const cpu = row.median?.cpu;
      if (!row.median) return [row.id, '—', ...serving.map(() => '—'), '—', ...load.map(() => '—')];
      if (!cpu) return [row.id, formatRps(row.median.requestsPerSec), ...serving.map(() => 'n/a'), 'n/a', ...load.map(() => 'n/a')];
      const cell = (group: string) => (cpu.usPerRequest[group] === undefined ? '—' : formatUs(cpu.usPerRequest[group]));
      return [row.id, formatRps(row.median.requestsPerSec), ...serving.map(cell), formatUs(cpu.totalUs), ...load.map(cell)];
    }),
  };
}

/** The proxies against each other: gateway rows ÷ bare-node, bare-node ÷ nginx, in req/s and in the proxy's own CPU per request. */
export function ratiosTable(report: BenchReport): ReportTable | undefined {
  const ratios = report.throughput?.ratios ?? [];
  if (ratios.length === 0) return undefined;
  return {
    id: 'ratios',
    title: 'The Node ceiling — proxies against each other',
    caption: 'gateway ÷ bare-node: what the gateway (routing, auth, spans, retries, limits) adds to a bare Node proxy; bare-node ÷ nginx: what Node costs against a C proxy. req/s: the row’s ÷ the base’s; proxy CPU: the proxy process’s own µs per request ÷ the base proxy’s.',
    headers: ['ratio', 'req/s', 'proxy CPU per request'],
    numeric: [1],
    rows: ratios.map((r) => [
      r.id,
      formatRatio(r.throughput),
      r.proxyCpu ? `${formatRatio(r.proxyCpu.ratio)} (${r.proxyCpu.group} ${formatUs(r.proxyCpu.us)} µs vs ${r.proxyCpu.baseGroup} ${formatUs(r.proxyCpu.baseUs)} µs)` : 'n/a',
    ]),
  };
}

/** The bars of the throughput chart, in table order. */
export function throughputBars(report: BenchReport): ThroughputBar[] {
  return (report.throughput?.rows ?? []).map((row) => ({ rowId: row.id, requestsPerSec: row.median?.requestsPerSec, ...(row.missing ? { missing: row.missing } : {}) }));
}

/** Gateway memory after each round. */
export function memoryTable(report: BenchReport): ReportTable | undefined {
  const rounds = report.throughput?.rounds ?? [];
  if (rounds.length === 0) return undefined;
  const ids = [...new Set(rounds.flatMap((round) => Object.keys(round.gatewayRssMb)))];
  return {
    id: 'memory',
    title: 'Gateway memory (RSS) after each round',
    headers: ['round', 'gateway load so far', ...ids],
    numeric: [0, 1, ...ids.map((_, i) => i + 2)],
    rows: rounds.map((round) => [String(round.round), `${Math.round(round.gatewayLoadSeconds)} s`, ...ids.map((id) => formatMb(round.gatewayRssMb[id]))]),
  };
}

/** Revocation lag per auth mode. */
export function revocationTable(report: BenchReport): ReportTable | undefined {
  if (!report.revocation) return undefined;
  return {
    id: 'revocation',
    title: 'Revocation lag — logout → every gateway refuses the token',
    caption: 'Per logout, the time from the logout’s answer until each gateway (probed back to back) refuses the token; 0 = the first probe after the logout was refused.',
    headers: ['auth', 'cache & bus', 'p50 ms', 'p99 ms', 'max ms', 'accepted after logout', 'logouts', 'gateways'],
    numeric: [2, 3, 4, 5, 6, 7],
    rows: report.revocation.map((r) => [r.auth, r.backend ?? 'embedded', formatMs(r.p50Ms), formatMs(r.p99Ms), formatMs(r.maxMs), String(r.acceptedAfterLogout), String(r.sessions), String(r.gateways)]),
  };
}

/** Failover per discovery mode. */
export function failoverTable(report: BenchReport): ReportTable | undefined {
  if (!report.failover) return undefined;
  return {
    id: 'failover',
    title: 'Failover — SIGKILL of profile#2 of 3 under an open-loop load',
    caption: 'Detection: from the kill until the registry no longer lists the instance. nginx reload: from that eviction until nginx routed by its new config. The window is when the failed requests were sent, relative to the kill.',
    headers: ['discovery', 'lb', 'auth', 'rate', 'detection ms', 'nginx reload ms', 'failed', 'timed out', 'failure window'],
    numeric: [3, 4, 5, 6, 7],
    rows: report.failover.map((f) => [
      f.discovery,
      f.discovery === 'client' ? '—' : (f.backend ?? 'embedded'),
      f.auth,
      `${f.rate}/s`,
      formatMs(f.detectionMs),
      f.reloadLagMs === undefined ? '—' : formatMs(f.reloadLagMs),
      `${f.failed}/${f.requests}`,
      String(f.timedOut),
      f.failureWindowMs ? `${formatMs(f.failureWindowMs[0])} … ${formatMs(f.failureWindowMs[1])} ms` : '—',
    ]),
  };
}

/** WebSocket fan-out latency, embedded bus and Redis. */
export function fanoutTable(report: BenchReport): ReportTable | undefined {
  if (!report.fanout) return undefined;
  return {
    id: 'fanout',
    title: 'WebSocket fan-out — one sender, receivers on every chat instance',
    caption: 'Per (message, receiver): from the send to that receiver’s frame, each message sent once every receiver got the previous one. Same instance: delivered by the instance that stored it; other: through the bus.',
    headers: ['bus', 'p50 ms', 'p99 ms', 'max ms', 'same instance p50 / p99', 'other instance p50 / p99', 'messages × receivers', 'receivers per instance', 'duplicates'],
    numeric: [1, 2, 3, 8],
    rows: report.fanout.map((f) => [
      f.backend,
      formatMs(f.latencyMs.p50),
      formatMs(f.latencyMs.p99),
      formatMs(f.latencyMs.max),
      `${formatMs(f.sameInstanceMs.p50)} / ${formatMs(f.sameInstanceMs.p99)}`,
      `${formatMs(f.otherInstanceMs.p50)} / ${formatMs(f.otherInstanceMs.p99)}`,
      `${f.messages} × ${f.receivers}`,
      Object.entries(f.perInstance)
        .map(([id, n]) => `${id} ${n}${id === f.senderInstance ? ' (sender)' : ''}`)
        .join(', '),
      String(f.duplicates),
    ]),
  };
}

/** Cold start and memory per service. */
export function coldStartTable(report: BenchReport): ReportTable | undefined {
  const c = report.coldStart;
  if (!c) return undefined;
  return {
    id: 'coldstart',
    title: `Cold start — start → all ${c.instances} instances ready: median ${formatMs(c.medianReadyMs)} ms (${c.runs.map(formatMs).join(', ')} ms)`,
    caption: 'Resident memory per service after the first start, idle.',
    headers: ['service', 'instances', 'RSS per instance', 'RSS total'],
    numeric: [1, 2, 3],
    rows: Object.entries(c.perService).map(([service, s]) => [service, String(s.instances), formatMb(s.meanMb), formatMb(s.totalMb)]),
  };
}

/** Every table of the report, in order (sections not run are left out). */
export function reportTables(report: BenchReport): ReportTable[] {
  return [throughputTable(report), cpuTable(report), ratiosTable(report), memoryTable(report), revocationTable(report), failoverTable(report), fanoutTable(report), coldStartTable(report)].filter((table): table is ReportTable => table !== undefined);
}
