import type { RunResult, ScenarioRunResult } from '@topolab/runtime';
import { formatHops } from '@topolab/runtime/trace-model';
import { formatFigureValue } from './summary.js';
import { formatDuration, oneLineMessage } from './narration.js';
import { writeDocument, type DocumentTarget } from './document-target.js';
import type { Reporter } from './reporter.js';
import { escapeXml, xmlAttributes } from './xml.js';

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** `topolab.client.remote`: the class of every test case run in those modes. */
export function junitClassName(result: Pick<ScenarioRunResult, 'modes'>): string {
  return `topolab.${result.modes.discovery}.${result.modes.auth}`;
}

/** The narration of a run as text for `<system-out>`: each step, its requests and notes. */
function narrationText(result: ScenarioRunResult): string {
  return result.steps
    .flatMap((step) => [
      `${'  '.repeat(step.depth)}${step.ok ? '✓' : '✖'} ${step.title}  ${formatDuration(step.durationMs)}`,
      ...step.requests.map((request) => `${'  '.repeat(step.depth)}    ${request.method} ${request.path} ${request.status}${request.code ? ` ${request.code}` : ''}  ${formatHops(request.hops, { duration: false, cache: true })}  ${formatDuration(request.durationMs)}`),
      ...step.notes.map((note) => `${'  '.repeat(step.depth)}    · ${note}`),
    ])
    .join('\n');
}

function testCase(result: ScenarioRunResult): string[] {
  const lines = [`    <testcase${xmlAttributes({ name: result.name, classname: junitClassName(result), time: seconds(result.durationMs) })}>`];
  if (result.figures.length > 0) {
    lines.push('      <properties>');
    for (const figure of result.figures) lines.push(`        <property${xmlAttributes({ name: figure.name, value: `${formatFigureValue(figure.value)} ${figure.unit}` })}/>`);
    lines.push('      </properties>');
  }
  if (result.status === 'skipped') lines.push(`      <skipped${xmlAttributes({ message: result.skipReason })}/>`);
  if (result.status === 'failed' && result.error) {
    const error = result.error;
    const where = error.step === undefined ? '' : `step "${error.step}": `;
    const details = [error.message, error.location && `at ${error.location}`, error.hint && `hint: ${error.hint}`, ...(error.lastLines ?? [])].filter(Boolean).join('\n');
    lines.push(`      <failure${xmlAttributes({ message: `${where}${error.code} ${oneLineMessage(error.message)}`, type: error.code })}>${escapeXml(details)}</failure>`);
  }
  const out = narrationText(result);
  if (out !== '') lines.push(`      <system-out>${escapeXml(out)}</system-out>`);
  lines.push('    </testcase>');
  return lines;
}

/**
 * JUnit XML as CI systems read it: one `<testsuite>` per mode combination, one `<testcase>` per
 * scenario × modes (classname `topolab.<discovery>.<auth>`, time in seconds) with its figures
 * as properties, `<failure>` naming the failing step, `<skipped/>`, and the narration in `<system-out>`.
 */
export function formatJunitReport(result: RunResult): string {
  const suites = new Map<string, ScenarioRunResult[]>();
  for (const run of result.scenarios) suites.set(junitClassName(run), [...(suites.get(junitClassName(run)) ?? []), run]);
  const total = result.scenarios.length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${xmlAttributes({ name: 'topolab', tests: total, failures: result.failed, errors: 0, skipped: result.skipped, time: seconds(result.durationMs), timestamp: result.startedAt })}>`,
  ];
  for (const [name, runs] of suites) {
    const count = (status: ScenarioRunResult['status']) => runs.filter((run) => run.status === status).length;
    const time = runs.reduce((sum, run) => sum + run.durationMs, 0);
    lines.push(`  <testsuite${xmlAttributes({ name, tests: runs.length, failures: count('failed'), errors: 0, skipped: count('skipped'), time: seconds(time), timestamp: result.startedAt })}>`);
    for (const run of runs) lines.push(...testCase(run));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

/** Writes JUnit XML when the run ends. */
export function createJunitReporter(target: DocumentTarget): Reporter {
  return {
    onEvent: () => undefined,
    async finish(result) {
      writeDocument(target, formatJunitReport(result));
    },
  };
}
