import { Chalk } from 'chalk';
import type { BenchReport } from '@topolab/runtime';
import { formatTable } from '../output/table.js';
import { renderBar } from './bars.js';
import { targetMark } from './figures.js';
import { describeRun, reportTables, throughputBars, type ReportTable } from './report-model.js';

/** How the terminal report is drawn. */
export interface TerminalStyle {
  /** ANSI colours (a terminal without NO_COLOR). */
  readonly color: boolean;
  /** Unicode block bars (a terminal); `#` bars otherwise. */
  readonly unicode: boolean;
}

/** The report as text for a terminal or a pipe: the run, every table (throughput with bars), notes, and the targets with ✓/✗. */
export function renderTerminalReport(report: BenchReport, style: TerminalStyle): string {
  const c = new Chalk({ level: style.color ? 1 : 0 });
  const lines: string[] = [c.bold('topolab bench'), ...describeRun(report).map((line) => c.dim(line))];
  for (const table of reportTables(report)) {
    lines.push('', c.bold(table.title));
    if (table.caption) lines.push(c.dim(table.caption));
    const laidOut = table.id === 'throughput' ? withBars(table, report, style.unicode) : table;
    const [header, ...rows] = formatTable(laidOut.headers, laidOut.rows);
    lines.push(c.dim(header!), ...rows);
  }
  if (report.notes.length > 0) lines.push('', c.bold('Notes'), ...report.notes.map((note) => `  • ${note}`));
  if (report.targets.length > 0) {
    lines.push('', c.bold('Targets (this run’s own figures)'));
    const paint = (status: string, text: string) => (status === 'pass' ? c.green(text) : status === 'fail' ? c.red(text) : c.yellow(text));
    const rows = formatTable(['', 'target', 'measured'], report.targets.map((t) => [targetMark(t.status), t.label, t.actual])).slice(1);
    report.targets.forEach((target, i) => lines.push(`  ${paint(target.status, rows[i]!)}`));
  }
  return `${lines.join('\n')}\n`;
}

/** The throughput table with a bar of req/s after the req/s column. */
function withBars(table: ReportTable, report: BenchReport, unicode: boolean): ReportTable {
  const bars = throughputBars(report);
  const max = Math.max(0, ...bars.map((bar) => bar.requestsPerSec ?? 0));
  return {
    ...table,
    headers: [table.headers[0]!, table.headers[1]!, '', ...table.headers.slice(2)],
    rows: table.rows.map((row, i) => [row[0]!, row[1]!, renderBar(bars[i]?.requestsPerSec, max, { unicode }), ...row.slice(2)]),
  };
}
