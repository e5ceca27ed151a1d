import type { RunResult } from '@topolab/runtime';
import { formatTable } from '../output/table.js';
import { formatDuration, oneLineMessage, shortModes, type Line } from './narration.js';

/** `612`, `0.42`, `1234.5`: a figure's value without needless digits. */
export function formatFigureValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(1) : String(Number(value.toPrecision(3)));
}

/** The figures every scenario measured, as a table under `figures`; nothing when none was. */
export function figureLines(result: RunResult): Line[] {
  const rows = result.scenarios.flatMap((scenario) =>
    scenario.figures.map((figure) => [scenario.name, shortModes(scenario.modes), figure.name, `${formatFigureValue(figure.value)} ${figure.unit}`]),
  );
  if (rows.length === 0) return [];
  return [[{ text: 'figures', tone: 'head' }], ...formatTable(['SCENARIO', 'MODES', 'FIGURE', 'VALUE'], rows).map((text, i): Line => [{ text: `  ${text}`, tone: i === 0 ? 'dim' : 'text' }])];
}

/** The failed runs, one line each with the step and the error, then the totals: `3 passed · 1 failed · 2 skipped in 12.3 s`. */
export function totalLines(result: RunResult): Line[] {
  const lines: Line[] = [];
  const failed = result.scenarios.filter((scenario) => scenario.status === 'failed');
  if (failed.length > 0) {
    lines.push([{ text: 'failed', tone: 'fail' }]);
    for (const scenario of failed) {
      const error = scenario.error;
      const step = error?.step === undefined ? '' : ` step "${error.step}":`;
      lines.push([
        { text: '  ✖ ', tone: 'fail' },
        { text: `${scenario.name} ${shortModes(scenario.modes)}${step} `, tone: 'text' },
        { text: error?.code ?? '', tone: 'code' },
        { text: `  ${oneLineMessage(error?.message ?? '')}`, tone: 'text' },
      ]);
    }
    if (!result.scenarios.some((scenario) => scenario.dataDir)) lines.push([{ text: '  run again with --keep-data to keep the databases and logs of each run', tone: 'dim' }]);
  }
  const parts: Line = [
    { text: `${result.passed} passed`, tone: result.passed > 0 ? 'pass' : 'dim' },
    { text: ' · ', tone: 'dim' },
    { text: `${result.failed} failed`, tone: result.failed > 0 ? 'fail' : 'dim' },
    ...(result.skipped > 0 ? [{ text: ' · ', tone: 'dim' as const }, { text: `${result.skipped} skipped`, tone: 'skip' as const }] : []),
    { text: ` in ${formatDuration(result.durationMs)}`, tone: 'dim' },
  ];
  lines.push(parts);
  return lines;
}
