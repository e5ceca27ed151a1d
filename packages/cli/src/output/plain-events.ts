import type { TopologyEvent } from '@topolab/runtime';
import { describeEvent, formatClock } from './format.js';

/** A listener that writes each noteworthy event as one timestamped line (for pipes, CI and `--plain`). */
export function createPlainEventPrinter(stream: NodeJS.WritableStream): (event: TopologyEvent) => void {
  return (event) => {
    const line = describeEvent(event);
    if (line !== undefined) stream.write(`${formatClock(event.time)}  ${line}\n`);
    if (event.type === 'instance.crashed') {
      for (const last of event.lastLines.slice(-10)) stream.write(`              │ ${last}\n`);
    }
  };
}
