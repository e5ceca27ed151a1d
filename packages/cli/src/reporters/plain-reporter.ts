import type { RunEvent, RunResult } from '@topolab/runtime';
import { createColors } from '../output/colors.js';
import { renderLine } from './render-line.js';
import type { Reporter } from './reporter.js';
import { createRunLines } from './run-lines.js';

/**
 * Narration as plain lines (run-lines.ts): each step when it ends, each scenario's verdict,
 * then figures and totals. Colour only on a terminal without NO_COLOR.
 */
export function createPlainReporter(stream: NodeJS.WriteStream): Reporter {
  const c = createColors(stream);
  const lines = createRunLines((added) => {
    for (const line of added) stream.write(`${renderLine(line, c)}\n`);
  });
  return {
    onEvent: (event: RunEvent) => lines.apply(event),
    async finish(result: RunResult) {
      lines.finish(result);
    },
  };
}
