import type { RunEvent, RunResult, TopologyModes } from '@topolab/runtime';
import { scenarioEndLines, scenarioHeaderLines, shortModes, stepLines, topologyReadyLines, type Line } from './narration.js';
import { figureLines, totalLines } from './summary.js';

/** The key of one scenario × modes run among interleaved events. */
export function runKey(name: string, modes: TopologyModes): string {
  return `${name} ${shortModes(modes)}`;
}

/** Turns run events into narration lines, the one way both the plain and the pretty reporter narrate. */
export interface RunLines {
  apply(event: RunEvent): void;
  /** The figures and totals. */
  finish(result: RunResult): void;
}

/**
 * Narration lines for `write`: each scenario's header and topology, each step when it ends,
 * each verdict, then figures and totals. With runs in parallel, a run's lines are held back and
 * written together when it ends, so runs do not interleave.
 */
export function createRunLines(write: (lines: readonly Line[]) => void): RunLines {
  let buffered = false;
  const held = new Map<string, Line[]>();
  const out = (key: string, lines: readonly Line[]) => {
    if (buffered) held.set(key, [...(held.get(key) ?? []), ...lines]);
    else write(lines);
  };
  return {
    apply(event) {
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
    finish(result) {
      const figures = figureLines(result);
      write([...figures, ...(figures.length > 0 ? [[]] : []), ...totalLines(result)]);
    },
  };
}
