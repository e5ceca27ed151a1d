import type { BenchReport } from '@topolab/runtime';
import { targetMark } from './figures.js';
import { describeRun, reportTables, type ReportTable } from './report-model.js';

/** A cell safe inside a Markdown table (pipes escaped, no line breaks). */
export function escapeMarkdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** One table in GitHub-flavoured Markdown, numbers aligned right. */
export function renderMarkdownTable(table: Pick<ReportTable, 'headers' | 'rows' | 'numeric'>): string[] {
  const numeric = new Set(table.numeric ?? []);
  const line = (cells: readonly string[]) => `| ${cells.map(escapeMarkdownCell).join(' | ')} |`;
  return [line(table.headers), `| ${table.headers.map((_, i) => (numeric.has(i) ? '---:' : '---')).join(' | ')} |`, ...table.rows.map(line)];
}

/** The report as a Markdown document: the run, every table, notes, and the targets with ✓/✗. */
export function renderMarkdownReport(report: BenchReport): string {
  const lines = ['# topolab bench', '', '```', ...describeRun(report), '```'];
  for (const table of reportTables(report)) {
    lines.push('', `## ${table.title}`, '');
    if (table.caption) lines.push(table.caption, '');
    lines.push(...renderMarkdownTable(table));
  }
  if (report.notes.length > 0) lines.push('', '## Notes', '', ...report.notes.map((note) => `- ${note}`));
  if (report.targets.length > 0) {
    lines.push('', '## Targets', '');
    lines.push(...renderMarkdownTable({ headers: ['', 'target', 'measured'], rows: report.targets.map((t) => [targetMark(t.status), t.label, t.actual]) }));
  }
  return `${lines.join('\n')}\n`;
}
