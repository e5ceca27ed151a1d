import { formatModes } from '@topolab/runtime/cli-facts';
import { formatHops } from '@topolab/runtime/trace-model';
import type { ScenarioRunResult, TopologyModes } from '@topolab/runtime';
import type { RecordedRequest, ScenarioErrorInfo, StepResult } from '@topolab/runtime/scenarios';

/**
 * How a piece of narration is shown: `pass`/`fail`/`skip` marks, `head` (a scenario's name),
 * `dim` (timings, hops' addresses, notes), `code` (an error code), `text` (the rest).
 */
export type Tone = 'pass' | 'fail' | 'skip' | 'head' | 'dim' | 'code' | 'text';

/** A run of text in one tone. */
export interface Segment {
  readonly text: string;
  readonly tone: Tone;
}

/** One line of narration. */
export type Line = readonly Segment[];

const seg = (text: string, tone: Tone = 'text'): Segment => ({ text, tone });

/** A step showing more requests than this summarises the rest. */
const requestsShown = 6;

/** `1.2 ms`, `842 ms`, `3.4 s`. */
export function formatDuration(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `client/remote`: the short form of modes used in lists. */
export function shortModes(modes: TopologyModes): string {
  return `${modes.discovery}/${modes.auth}`;
}

/** `401 GATEWAY_UNAUTHENTICATED` for an answer worth showing (not 2xx/3xx, or carrying a code). */
function outcomeOf(request: RecordedRequest): string | undefined {
  if (request.status >= 200 && request.status < 400 && request.code === undefined) return undefined;
  return `${request.status === 0 ? 'no answer' : request.status}${request.code === undefined ? '' : ` ${request.code}`}`;
}

/** One request: `POST /auth/register 201  gateway#1 → auth#1 @127.0.3.1  4.2 ms`. */
export function requestLine(request: RecordedRequest, indent: string): Line {
  const status = request.status === 0 ? 'no answer' : String(request.status);
  return [
    seg(`${indent}${request.method} ${request.path} `),
    seg(`${status}${request.code === undefined ? '' : ` ${request.code}`}`, request.status === 0 || request.status >= 500 ? 'fail' : 'text'),
    seg(`  ${formatHops(request.hops, { duration: false, cache: true })}  `, 'dim'),
    seg(formatDuration(request.durationMs), 'dim'),
  ];
}

/** `… 94 more: 200 ×90, 503 ×4`. */
function moreLine(requests: readonly RecordedRequest[], indent: string): Line {
  const counts = new Map<string, number>();
  for (const request of requests) counts.set(String(request.status || 'no answer'), (counts.get(String(request.status || 'no answer')) ?? 0) + 1);
  const tally = [...counts].map(([status, n]) => `${status} ×${n}`).join(', ');
  return [seg(`${indent}… ${requests.length} more: ${tally}`, 'dim')];
}

/**
 * An error message on one line, for a summary: its first line, and when that only announces
 * what follows (node:assert's `Expected values to be strictly equal:`), the rest joined to it,
 * cut at `max` characters: `Expected values to be strictly equal: 1 !== 0`.
 */
export function oneLineMessage(message: string, max = 200): string {
  const [first = '', ...rest] = message.split('\n');
  const line = first.trimEnd().endsWith(':') ? [first.trimEnd(), ...rest.map((part) => part.trim()).filter((part) => part !== '')].join(' ') : first;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The lines of an error: code and message (each line of a diff indented), location, hint, last log lines. */
export function errorLines(error: ScenarioErrorInfo, indent: string): Line[] {
  const [first = '', ...rest] = error.message.split('\n');
  const lines: Line[] = [[seg(indent), seg(error.code, 'code'), seg(`  ${first}`)]];
  for (const line of rest) lines.push([seg(`${indent}  ${line}`)]);
  if (error.location) lines.push([seg(`${indent}at ${error.location}`, 'dim')]);
  if (error.hint) lines.push([seg(`${indent}hint: ${error.hint}`, 'dim')]);
  for (const line of error.lastLines ?? []) lines.push([seg(`${indent}│ ${line}`, 'dim')]);
  return lines;
}

/**
 * The narration of a finished step: `✓ title  hops  4.2 ms` when it made one request,
 * else the title and one line per request; then its notes and, if it failed, the error.
 */
export function stepLines(step: StepResult): Line[] {
  const indent = '  '.repeat(step.depth + 1);
  const mark = step.ok ? seg('✓ ', 'pass') : seg('✖ ', 'fail');
  const lines: Line[] = [];
  const only = step.requests.length === 1 ? step.requests[0] : undefined;
  if (only) {
    const outcome = outcomeOf(only);
    lines.push([seg(indent), mark, seg(step.title), seg(`  ${formatHops(only.hops, { duration: false, cache: true })}  ${formatDuration(only.durationMs)}`, 'dim'), ...(outcome ? [seg(`  ${outcome}`, 'dim')] : [])]);
  } else {
    const count = step.requests.length === 0 ? '' : `${step.requests.length} requests  `;
    lines.push([seg(indent), mark, seg(step.title), seg(`  ${count}${formatDuration(step.durationMs)}`, 'dim')]);
    const limit = step.requests.length > requestsShown + 1 ? requestsShown : step.requests.length;
    for (const request of step.requests.slice(0, limit)) lines.push(requestLine(request, `${indent}    `));
    if (limit < step.requests.length) lines.push(moreLine(step.requests.slice(limit), `${indent}    `));
  }
  for (const note of step.notes) lines.push([seg(`${indent}    · ${note}`, 'dim')]);
  if (step.error) lines.push(...errorLines(step.error, `${indent}    `));
  return lines;
}

/** `  topology ready in 2.4 s`, or that the run took over the topology an earlier run of its shape left unchanged. */
export function topologyReadyLines(event: { readonly readyMs: number; readonly reused?: true }): Line[] {
  return [[{ text: event.reused ? '  topology reused (an earlier run of the same shape and modes left it unchanged)' : `  topology ready in ${formatDuration(event.readyMs)}`, tone: 'dim' }]];
}

/** `▶ registration-2fa  discovery client · auth remote` and the summary. */
export function scenarioHeaderLines(name: string, summary: string, modes: TopologyModes): Line[] {
  return [[seg('▶ ', 'head'), seg(name, 'head'), seg(`  ${formatModes(modes)}`, 'dim')], [seg(`  ${summary}`, 'dim')]];
}

/** The closing lines of a scenario run: its verdict, notes made outside steps, an error not tied to a step, the kept data dir. */
export function scenarioEndLines(result: ScenarioRunResult): Line[] {
  const lines: Line[] = result.notes.map((note) => [seg(`  · ${note}`, 'dim')]);
  const where = shortModes(result.modes);
  if (result.status === 'skipped') {
    lines.push([seg('○ ', 'skip'), seg(result.name), seg(`  ${where}  skipped: ${result.skipReason ?? ''}`, 'dim')]);
    return lines;
  }
  // A failure inside a step was narrated under the step already.
  if (result.error && result.error.step === undefined) lines.push(...errorLines(result.error, '  '));
  const verdict = result.ok ? seg('✓ ', 'pass') : seg('✖ ', 'fail');
  const failedStep = result.error?.step === undefined ? '' : ` at step "${result.error.step}"`;
  lines.push([verdict, seg(result.name), seg(`  ${where}  ${result.ok ? 'passed' : `failed${failedStep}`} in ${formatDuration(result.durationMs)}`, 'dim')]);
  if (result.dataDir) lines.push([seg(`  data kept in ${result.dataDir}`, 'dim')]);
  return lines;
}
