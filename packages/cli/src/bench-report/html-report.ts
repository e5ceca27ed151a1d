import { benchTargets } from '@topolab/runtime/cli-facts';
import type { BenchReport } from '@topolab/runtime';
import { targetMark } from './figures.js';
import { describeRun, reportTables, type ReportTable } from './report-model.js';
import { escapeXml, renderBarChartSvg, type BarChart } from './svg-chart.js';

// Inline, so the page needs nothing but itself (no network, no external CSS, JS or fonts).
const style = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #1d2330; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
pre { background: #f3f5f8; padding: .75rem; white-space: pre-wrap; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #dde2ea; text-align: left; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.caption { color: #5a6475; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
.chart text { font: 12px system-ui, sans-serif; fill: #1d2330; }
.chart .chart-title { font-weight: 600; }
.chart .bar { fill: #3b6fd8; } .chart .bar.reference { fill: #8a94a6; }
.chart .mark { fill: #f2a93b; } .chart .missing { fill: #a33; font-style: italic; }
.chart .threshold { stroke: #c0392b; stroke-dasharray: 4 3; } .chart .threshold-label { fill: #c0392b; }
.pass { color: #1e7d3a; } .fail { color: #b42318; } .unmeasured { color: #8a6d00; }
`;

function renderTable(table: ReportTable): string {
  const numeric = new Set(table.numeric ?? []);
  const cell = (tag: 'th' | 'td', text: string, i: number) => `<${tag}${numeric.has(i) ? ' class="num"' : ''}>${escapeXml(text)}</${tag}>`;
  return [
    `<h2>${escapeXml(table.title)}</h2>`,
    ...(table.caption ? [`<p class="caption">${escapeXml(table.caption)}</p>`] : []),
    '<table>',
    `<thead><tr>${table.headers.map((h, i) => cell('th', h, i)).join('')}</tr></thead>`,
    `<tbody>${table.rows.map((row) => `<tr>${row.map((c, i) => cell('td', c, i)).join('')}</tr>`).join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

/** The charts of a report: throughput and p99 per row (dots: each round), gateway memory per round, memory per service. */
export function reportCharts(report: BenchReport): BarChart[] {
  const charts: BarChart[] = [];
  const rows = report.throughput?.rows ?? [];
  if (rows.length > 0) {
    const reference = (kind: string) => kind !== 'gateway';
    charts.push({ title: 'Throughput, median of rounds', unit: 'req/s', bars: rows.map((row) => ({ label: row.id, value: row.median?.requestsPerSec, marks: row.samples.map((s) => s.requestsPerSec), reference: reference(row.kind) })) });
    if (rows.some((row) => row.median?.cpu)) {
      charts.push({ title: 'CPU per request, every serving process', unit: 'µs', bars: rows.map((row) => ({ label: row.id, value: row.median?.cpu?.totalUs, marks: row.samples.flatMap((s) => (s.cpu ? [s.cpu.totalUs] : [])), reference: reference(row.kind) })) });
    }
    charts.push({ title: 'p99 latency, median of rounds', unit: 'ms', bars: rows.map((row) => ({ label: row.id, value: row.median?.latencyMs.p99, marks: row.samples.map((s) => s.latencyMs.p99), reference: reference(row.kind) })) });
  }
  const rounds = report.throughput?.rounds ?? [];
  if (rounds.length > 0) {
    charts.push({
      title: 'Gateway RSS after each round',
      unit: 'MB',
      threshold: { value: benchTargets.maxGatewayRssMb, label: `${benchTargets.maxGatewayRssMb} MB` },
      bars: rounds.flatMap((round) => Object.entries(round.gatewayRssMb).map(([id, mb]) => ({ label: `round ${round.round} ${id}`, value: mb }))),
    });
  }
  if (report.coldStart) {
    charts.push({ title: 'Idle RSS per service (total)', unit: 'MB', bars: Object.entries(report.coldStart.perService).map(([service, s]) => ({ label: service, value: s.totalMb })) });
  }
  return charts;
}

/** The report as one self-contained HTML page: inline CSS, inline SVG charts, no script, nothing fetched. */
export function renderHtmlReport(report: BenchReport): string {
  const targets = report.targets.map((t) => `<tr class="${t.status}"><td>${targetMark(t.status)}</td><td>${escapeXml(t.label)}</td><td>${escapeXml(t.actual)}</td></tr>`);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>topolab bench — ${escapeXml(report.startedAt)}</title>`,
    `<style>${style}</style>`,
    '</head>',
    '<body>',
    '<h1>topolab bench</h1>',
    `<pre>${escapeXml(describeRun(report).join('\n'))}</pre>`,
    `<div class="charts">\n${reportCharts(report).map(renderBarChartSvg).join('\n')}\n</div>`,
    '<p class="caption">Grey bars are the references (direct, nginx, bare-node); dots mark each round’s figure; a dashed line marks a target.</p>',
    ...reportTables(report).map(renderTable),
    ...(report.notes.length > 0 ? ['<h2>Notes</h2>', `<ul>${report.notes.map((n) => `<li>${escapeXml(n)}</li>`).join('\n')}</ul>`] : []),
    ...(targets.length > 0 ? ['<h2>Targets (this run’s own figures)</h2>', `<table><thead><tr><th></th><th>target</th><th>measured</th></tr></thead><tbody>${targets.join('\n')}</tbody></table>`] : []),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
