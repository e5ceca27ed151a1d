import { PassThrough } from 'node:stream';
import { checkTargets, defaultBenchSettings, describeCaveats, planRounds, summarizeRows, type BenchReport } from '@topolab/runtime';
import { proxyRatios, type CpuFigures, type ThroughputRow, type ThroughputSample } from '@topolab/runtime/bench';
import { describe, expect, it } from 'vitest';
import { renderBar } from './bars.js';
import { renderHtmlReport } from './html-report.js';
import { escapeMarkdownCell, renderMarkdownReport } from './markdown-report.js';
import { createProgressPrinter, describeProgress } from './progress-printer.js';
import { renderTerminalReport } from './terminal-report.js';

const rows: ThroughputRow[] = [
  { id: 'direct', kind: 'direct' },
  { id: 'nginx', kind: 'nginx' },
  { id: 'bare-node', kind: 'bare-node' },
  { id: 'client/local', kind: 'gateway', modes: { discovery: 'client', auth: 'local' } },
  { id: 'client/none', kind: 'gateway', modes: { discovery: 'client', auth: 'none' } },
];
/** CPU µs per request as the bench measured them, per row. */
const cpuOf: Record<string, CpuFigures> = {
  direct: { usPerRequest: { profile: 41.3, 'auth#1': 0.4, others: 3.1, bench: 60 }, totalUs: 42.5 },
  nginx: { usPerRequest: { nginx: 26, profile: 50, others: 4, bench: 70 }, totalUs: 76 },
  'bare-node': { usPerRequest: { 'bare-node': 80, profile: 55, bench: 72 }, totalUs: 135 },
  'client/local': { usPerRequest: { 'gateway#1': 152.4, 'auth#1': 6.5, profile: 60, others: 9, bench: 80 }, totalUs: 219 },
};
const sample = (rowId: string, round: number, requestsPerSec: number, p99: number): ThroughputSample => ({
  rowId,
  round,
  requestsPerSec,
  requests: requestsPerSec * 10,
  latencyMs: { p50: p99 / 4, p90: p99 / 2, p99, max: p99 * 2 },
  errors: 0,
  timeouts: 0,
  non2xx: 0,
  durationMs: 10_000,
  ...(cpuOf[rowId] ? { cpu: cpuOf[rowId] } : {}),
});
const samples = [1, 2].flatMap((round) => [sample('direct', round, 9000 + round, 12), sample('nginx', round, 8000, 14), sample('bare-node', round, 4600, 30), sample('client/local', round, 2300, 45)]);
const rounds = [1, 2].map((round) => ({ round, gatewayRssMb: { 'gateway#1': 120 + round }, gatewayLoadSeconds: 22 * round }));
const summaries = summarizeRows(rows, samples, new Map([['client/none', 'the gateway has no bench-only auth mode "none"']]));
const throughput = { rows: summaries, ratios: proxyRatios(summaries), cpuMeasured: true, rounds, plan: planRounds(rows.map((r) => r.id), 2), loadGenerator: 'connections 32, 1 autocannon worker in the bench process' };

/** A report as runBench makes it, from fixed figures. */
const report: BenchReport = {
  version: 1,
  startedAt: '2026-01-01T10:00:00.000Z',
  finishedAt: '2026-01-01T10:08:00.000Z',
  machine: { cpus: 2, cpuModel: 'Test CPU <x86>', totalMemoryMb: 24_000, os: 'Linux 6.1 (x64)', node: 'v20.20.2', gitCommit: 'abc123', nginx: 'nginx version: nginx/1.22.1' },
  settings: { ...defaultBenchSettings, rounds: 2 },
  throughput,
  revocation: [
    { auth: 'local', backend: 'embedded', gateways: 2, sessions: 50, p50Ms: 0, p99Ms: 1.2, maxMs: 3.9, acceptedAfterLogout: 1 },
    { auth: 'global', backend: 'redis', gateways: 2, sessions: 50, p50Ms: 0, p99Ms: 0.4, maxMs: 0.9, acceptedAfterLogout: 0 },
  ],
  failover: [
    { discovery: 'client', backend: 'embedded', auth: 'remote', rate: 100, victim: 'profile#2', requests: 400, failed: 2, timedOut: 1, detectionMs: 650, failureWindowMs: [3, 12] },
    { discovery: 'server', backend: 'nginx', reloadLagMs: 14.2, auth: 'remote', rate: 100, victim: 'profile#2', requests: 400, failed: 0, timedOut: 0, detectionMs: 640, failureWindowMs: undefined },
  ],
  fanout: [
    {
      backend: 'embedded',
      receivers: 20,
      messages: 200,
      senderInstance: 'chat#2',
      perInstance: { 'chat#1': 10, 'chat#2': 10 },
      latencyMs: { p50: 2.6, p90: 6, p99: 10.5, max: 15 },
      sameInstanceMs: { p50: 1.4, p90: 4, p99: 8.5, max: 9 },
      otherInstanceMs: { p50: 3.6, p90: 7, p99: 11.8, max: 15 },
      duplicates: 0,
    },
  ],
  coldStart: { runs: [1100, 1200, 1000], medianReadyMs: 1100, instances: 11, rssMb: { 'gateway#1': 66 }, perService: { gateway: { instances: 1, meanMb: 66, totalMb: 66 }, profile: { instances: 2, meanMb: 63, totalMb: 126 } } },
  targets: checkTargets({ rows: throughput.rows, rounds }),
  notes: describeCaveats({ cpus: 2 }, throughput),
};

describe('markdown report', () => {
  const markdown = renderMarkdownReport(report);

  it('has a table per section with a header separator and numbers aligned right', () => {
    expect(markdown).toContain('| row | req/s | × direct | p50 ms |');
    expect(markdown).toMatch(/^\| --- \| ---: \| ---: \|/m);
    expect(markdown).toMatch(/^\| client\/local \| 2300 \| 0\.26× \|/m);
    for (const title of ['Throughput and latency', 'Gateway memory', 'Revocation lag', 'Failover', 'WebSocket fan-out', 'Cold start', 'Notes', 'Targets']) expect(markdown).toContain(`## ${title}`);
    expect(markdown).toMatch(/^\| embedded \| 2\.6 \| 10\.5 \| 15\.0 \| 1\.4 \/ 8\.5 \| 3\.6 \/ 11\.8 \| 200 × 20 \| chat#1 10, chat#2 10 \(sender\) \| 0 \|$/m);
  });

  it('reports a missing row with its reason, and the targets with ✓/✗/–', () => {
    expect(markdown).toContain('missing: the gateway has no bench-only auth mode "none"');
    expect(markdown).toMatch(/^\| ✗ \| client\/local throughput ≥ 0\.6 × nginx \|/m);
    expect(markdown).toMatch(/^\| ✓ \| gateway RSS ≤ 150 MB \|/m);
    expect(markdown).toMatch(/^\| – \| local costs ≤ 10 % of throughput against none \|/m);
  });

  it('has a CPU µs per request table: a column per group on the path, the total, then those outside it', () => {
    expect(markdown).toContain('## CPU µs per request (median of rounds)');
    expect(markdown).toContain('| row | req/s | gateway#1 | nginx | bare-node | auth#1 | profile | total | others | bench |');
    expect(markdown).toContain('| direct | 9002 | — | — | — | — | 41 | 43 | 3.1 | 60 |');
    expect(markdown).toMatch(/^\| client\/local \| 2300 \| 152 \| — \| — \| 6\.5 \| 60 \| 219 \| 9\.0 \| 80 \|$/m);
    expect(markdown).toMatch(/^\| client\/none \| — \| — \| — \| — \| — \| — \| — \| — \| — \|$/m);
  });

  it('sets the proxies against each other: gateway ÷ bare-node, bare-node ÷ nginx', () => {
    expect(markdown).toContain('## The Node ceiling — proxies against each other');
    expect(markdown).toContain('| client/local ÷ bare-node | 0.50× | 1.91× (gateway#1 152 µs vs bare-node 80 µs) |');
    expect(markdown).toContain('| bare-node ÷ nginx | 0.57× | 3.08× (bare-node 80 µs vs nginx 26 µs) |');
  });

  it('says n/a where no CPU was read (no /proc)', () => {
    const plainSamples = samples.map(({ cpu: _cpu, ...rest }) => rest);
    const plainRows = summarizeRows(rows, plainSamples);
    const plain = renderMarkdownReport({ ...report, throughput: { ...throughput, rows: plainRows, ratios: proxyRatios(plainRows), cpuMeasured: false } });
    expect(plain).toContain('| row | req/s | CPU µs per request |');
    expect(plain).toContain('| client/local | 2300 | n/a |');
    expect(plain).toContain('| client/local ÷ bare-node | 0.50× | n/a |');
  });

  it('escapes pipes inside cells', () => {
    expect(escapeMarkdownCell('a|b\nc')).toBe('a\\|b c');
  });
});

describe('html report', () => {
  const html = renderHtmlReport(report);

  it('is one well-formed page with inline SVG charts', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<svg');
    expect(html.match(/<svg/g)?.length).toBe(html.match(/<\/svg>/g)?.length);
    for (const tag of ['html', 'head', 'body', 'table', 'style', 'ul']) {
      expect(html.match(new RegExp(`<${tag}[ >]`, 'g'))?.length, tag).toBe(html.match(new RegExp(`</${tag}>`, 'g'))?.length);
    }
    expect(html).toContain('<meta charset="utf-8">');
  });

  it('needs no network: no http(s) reference, no script, no external stylesheet or font', () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|@import|url\(/i);
  });

  it('has the CPU table, the ratios and a chart of the CPU per request', () => {
    expect(html).toContain('<h2>CPU µs per request (median of rounds)</h2>');
    expect(html).toContain('<td>client/local ÷ bare-node</td>');
    expect(html).toContain('CPU per request, every serving process');
  });

  it('escapes text from the report', () => {
    expect(html).toContain('Test CPU &lt;x86&gt;');
    expect(html).not.toContain('Test CPU <x86>');
  });
});

describe('terminal report', () => {
  it('draws unicode bars without colour codes under NO_COLOR on a terminal', () => {
    const text = renderTerminalReport(report, { color: false, unicode: true });
    expect(text).not.toMatch(/\u001b\[/);
    expect(text).toMatch(/direct\s+9002\s+█{20}/);
    expect(text).toContain('✗  client/local throughput ≥ 0.6 × nginx');
  });

  it('shows the CPU table and the proxy ratios', () => {
    const text = renderTerminalReport(report, { color: false, unicode: false });
    expect(text).toMatch(/CPU µs per request \(median of rounds\)\n.*\nrow\s+req\/s\s+gateway#1\s+nginx\s+bare-node\s+auth#1\s+profile\s+total\s+others\s+bench\n/);
    expect(text).toMatch(/^bare-node\s+4600\s+—\s+—\s+80\s+—\s+55\s+135\s+—\s+72$/m);
    expect(text).toMatch(/^bare-node ÷ nginx\s+0\.57×\s+3\.08× \(bare-node 80 µs vs nginx 26 µs\)$/m);
  });

  it('draws # bars in plain text off a terminal', () => {
    const text = renderTerminalReport(report, { color: false, unicode: false });
    expect(text).not.toMatch(/[█▏▎▍▌▋▊▉]/);
    expect(text).toMatch(/direct\s+9002\s+#{20}/);
  });

  it('paints the targets when colour is on', () => {
    expect(renderTerminalReport(report, { color: true, unicode: true })).toMatch(/\u001b\[3[12]m/);
  });
});

describe('bars', () => {
  it('are as long as value / max of the width, in eighths', () => {
    expect(renderBar(100, 100, { unicode: true, width: 10 })).toBe('█'.repeat(10));
    expect(renderBar(55, 100, { unicode: true, width: 10 })).toBe('█████▌    ');
    expect(renderBar(50, 100, { unicode: false, width: 10 })).toBe('#####     ');
    expect(renderBar(undefined, 100, { unicode: true, width: 4 })).toBe('    ');
    expect(renderBar(0.01, 100, { unicode: false, width: 4 })).toBe('#   ');
  });
});

describe('progress', () => {
  it('prints a line per row and round off a terminal, and no live line', () => {
    const stream = new PassThrough();
    let out = '';
    stream.on('data', (chunk) => (out += chunk));
    const print = createProgressPrinter({ stream, interactive: false, color: false });
    print({ type: 'section', section: 'throughput', detail: '4 rows × 2 rounds' });
    print({ type: 'row-start', round: 1, rounds: 2, rowId: 'direct', durationMs: 10_000 });
    print({ type: 'row', round: 1, rounds: 2, sample: samples[0]! });
    print({ type: 'row-missing', rowId: 'client/none', reason: 'no mode' });
    print({ type: 'round', snapshot: rounds[0]!, rounds: 2 });
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^ {2}round 1\/2 {2}direct\s+9001 req\/s/);
    expect(out).not.toMatch(/\r|\u001b/);
  });

  it('describes every section result in one line', () => {
    expect(describeProgress({ type: 'failover', result: report.failover![0]! })).toContain('failed 2/400');
    expect(describeProgress({ type: 'revocation', result: report.revocation![0]! })).toContain('auth=local');
    expect(describeProgress({ type: 'coldstart', run: 1, runs: 3, readyMs: 1000 })).toContain('1/3');
    expect(describeProgress({ type: 'fanout', result: report.fanout![0]! })).toMatch(/bus=embedded\s+p50 2\.6 {2}p99 10\.5/);
  });
});
