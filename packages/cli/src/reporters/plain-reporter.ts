import type { RunEvent, RunResult, TopologyModes } from '@topolab/runtime';
import { createColors } from '../output/colors.js';
import { formatDuration, scenarioEndLines, scenarioHeaderLines, shortModes, stepLines, topologyReadyLines, type Line } from './narration.js';
import { renderLine } from './render-line.js';
import type { Reporter } from './reporter.js';
import { figureLines, totalLines } from './summary.js';

/** The key of one scenario × modes run among interleaved events. */
function runKey(name: string, modes: TopologyModes): string {
  return `${name} ${shortModes(modes)}`;
}

/**
 * Narration as plain lines: each step when it ends, each scenario's verdict, then figures and
 * totals. Colour only on a terminal without NO_COLOR. With runs in parallel, a run's lines
 * are held back and written together when it ends, so runs do not interleave.
 */
export function createPlainReporter(stream: NodeJS.WriteStream): Reporter {
  const c = createColors(stream);
  const write = (lines: readonly Line[]) => {
    for (const line of lines) stream.write(`${renderLine(line, c)}\n`);
  };
  let buffered = false;
  const held = new Map<string, Line[]>();
  const out = (key: string, lines: readonly Line[]) => {
    if (!buffered) write(lines);
    else held.set(key, [...(held.get(key) ?? []), ...lines]);
  };

  return {
    onEvent(event: RunEvent) {
      switch (event.type) {
        case 'run.start':
          buffered = event.parallel > 1;
          write([[{ text: `running ${event.total} scenario run${event.total === 1 ? '' : 's'}${event.parallel > 1 ? `, ${event.parallel} at once` : ''}`, tone: 'dim' }], []]);
          return;
        case 'scenario.start':
          out(runKey(event.name, event.modes), scenarioHeaderLines(event.name, event.summary, event.modes));
          return;
        case 'scenario.ready':
          out(runKey(event.name, event.modes), topologyReadyLines(event));
          return;
        case 'step.end':
          out(runKey(event.scenario, event.modes), stepLines(event));
          return;
        case 'scenario.end': {
          const key = runKey(event.name, event.modes);
          out(key, [...scenarioEndLines(event), []]);
          if (buffered) write(held.get(key) ?? []);
          held.delete(key);
          return;
        }
        default:
          return;
      }
    },
    async finish(result: RunResult) {
      const figures = figureLines(result);
      write([...figures, ...(figures.length > 0 ? [[]] : []), ...totalLines(result)]);
    },
  };
}
