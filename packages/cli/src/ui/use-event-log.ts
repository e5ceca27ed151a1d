import { useEffect, useState } from 'react';
import type { Topology, TopologyEvent } from '@topolab/runtime';
import { describeEvent, formatClock } from '../output/format.js';

/** The last `size` noteworthy events as lines, newest last. */
export function useEventLog(topology: Pick<Topology, 'events'>, initial: readonly TopologyEvent[], size = 10): string[] {
  const [lines, setLines] = useState(() => initial.flatMap(toLine).slice(-size));
  useEffect(
    () =>
      topology.events.subscribe((event) => {
        const line = toLine(event);
        if (line.length > 0) setLines((previous) => [...previous, ...line].slice(-size));
      }),
    [topology, size],
  );
  return lines;
}

function toLine(event: TopologyEvent): string[] {
  const line = describeEvent(event);
  return line === undefined ? [] : [`${formatClock(event.time)}  ${line}`];
}
