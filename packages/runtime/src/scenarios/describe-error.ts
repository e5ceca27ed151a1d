import { fileURLToPath } from 'node:url';
import { isTopolabError } from '../errors/topolab-error.js';
import type { ScenarioErrorInfo } from './run-types.js';

// Frames inside topolab's own runtime (dist/ or src/) are not where a scenario went wrong.
const runtimeRoot = fileURLToPath(new URL('..', import.meta.url));

/** The first stack frame outside node's internals, node_modules and topolab's runtime: `file:line:col`. */
export function locationOf(stack: string | undefined): string | undefined {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    // `at fn (file:///a/b.ts:12:5)` or `at /a/b.js:12:5`; node:internal frames never match.
    const match = /(?:\(|at )((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):(\d+)\)?$/.exec(line.trim());
    if (!match) continue;
    const file = match[1]!.startsWith('file://') ? fileURLToPath(match[1]!) : match[1]!;
    if (file.startsWith(runtimeRoot) || file.includes('/node_modules/') || file.includes('\\node_modules\\')) continue;
    return `${file}:${match[2]}:${match[3]}`;
  }
  return undefined;
}

/**
 * Turns anything a scenario threw into what reporters show: a code (TopolabError code,
 * SCENARIO_ASSERTION_FAILED for node:assert, else the error's name), the message and hint with
 * `redact` applied, where it happened, and the step.
 */
export function describeError(error: unknown, redact: (text: string) => string, step?: string): ScenarioErrorInfo {
  const stack = error instanceof Error && error.stack ? redact(error.stack) : undefined;
  const location = locationOf(stack);
  const base = {
    ...(step === undefined ? {} : { step: redact(step) }),
    ...(location === undefined ? {} : { location }),
    ...(stack === undefined ? {} : { stack }),
  };
  if (isTopolabError(error)) {
    return {
      code: error.code,
      message: redact(error.message),
      ...(error.hint === undefined ? {} : { hint: redact(error.hint) }),
      ...base,
      ...(error.lastLines && error.lastLines.length > 0 ? { lastLines: error.lastLines.slice(-10).map(redact) } : {}),
    };
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code === 'ERR_ASSERTION' ? 'SCENARIO_ASSERTION_FAILED' : error.name || 'Error';
    return { code, message: redact(error.message), ...base };
  }
  return { code: 'Error', message: redact(String(error)), ...base };
}
