import { useCallback, useEffect, useState } from 'react';
import type { Topology, TopologyEvent } from '@topolab/runtime';
import { describeEvent, formatClock } from '../output/format.js';

/** The recent event lines and a way to add the dashboard's own (an action that failed). */
export interface EventLogState {
  /** Newest last. */
  readonly lines: readonly string[];
  /** Appends one line, stamped with the time now. */
  push(line: string): void;
}

/** The last `size` noteworthy events as lines, newest last. */
export function useEventLog(topology: Pick<Topology, 'events'>, initial: readonly TopologyEvent[], size = 10): EventLogState {
  const [lines, setLines] = useState(() => initial.flatMap(toLine).slice(-size));
  const append = useCallback((added: readonly string[]) => setLines((previous) => [...previous, ...added].slice(-size)), [size]);
  useEffect(
    () =>
      topology.events.subscribe((event) => {
        const line = toLine(event);
        if (line.length > 0) append(line);
      }),
    [topology, append],
  );
  const push = useCallback((line: string) => append([`${formatClock(Date.now())}  ${line}`]), [append]);
  return { lines, push };
}

function toLine(event: TopologyEvent): string[] {
  const line = describeEvent(event);
  return line === undefined ? [] : [`${formatClock(event.time)}  ${line}`];
}
