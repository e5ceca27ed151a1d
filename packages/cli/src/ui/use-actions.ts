import { useCallback, useEffect, useRef, useState } from 'react';
import { isTopolabError } from '@topolab/runtime';

/** Runs the dashboard's actions and reports their failures. */
export interface Actions {
  /** Labels of the actions still running, oldest first. */
  readonly pending: readonly string[];
  /** Runs `task`; success shows through the topology's own events, a failure as `✖ label: CODE message`. */
  run(label: string, task: () => Promise<unknown>): void;
}

/** Creates the action runner; `report` adds a line to the event log. */
export function useActions(report: (line: string) => void): Actions {
  const [pending, setPending] = useState<readonly string[]>([]);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const run = useCallback(
    (label: string, task: () => Promise<unknown>) => {
      setPending((previous) => [...previous, label]);
      void (async () => {
        try {
          await task();
        } catch (error) {
          const code = isTopolabError(error) ? error.code : 'INTERNAL';
          if (mounted.current) report(`✖ ${label}: ${code} ${(error as Error).message}`);
        } finally {
          if (mounted.current) setPending((previous) => previous.filter((_, i) => i !== previous.indexOf(label)));
        }
      })();
    },
    [report],
  );
  return { pending, run };
}
