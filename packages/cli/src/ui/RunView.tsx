import { useEffect, useState, useSyncExternalStore } from 'react';
import { Box, Static, Text } from 'ink';
import { formatDuration, shortModes } from '../reporters/narration.js';
import type { RunStore } from '../reporters/run-store.js';
import { LineText } from './LineText.js';

/** Props of RunView. */
export interface RunViewProps {
  /** The run's state, fed by the pretty reporter. */
  readonly store: RunStore;
  /** Time between redraws of the elapsed times. @default 120 */
  readonly tickMs?: number;
}

const spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The pretty reporter's view: finished narration written once above, the running steps live below with a spinner and their elapsed time. */
export function RunView({ store, tickMs = 120 }: RunViewProps) {
  const state = useSyncExternalStore(store.subscribe, store.state);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (state.finished) return;
    const timer = setInterval(() => setTick((n) => n + 1), tickMs);
    return () => clearInterval(timer);
  }, [state.finished, tickMs]);
  const now = Date.now();
  return (
    <>
      <Static items={[...state.lines]}>{(item) => <LineText key={item.key} line={item.line} />}</Static>
      {state.running.length > 0 && (
        <Box flexDirection="column">
          {state.running.map((run) => (
            <Text key={`${run.name} ${shortModes(run.modes)}`}>
              <Text color="cyan">{spinner[tick % spinner.length]} </Text>
              <Text bold>{run.name}</Text>
              <Text dimColor> {shortModes(run.modes)} · </Text>
              {run.step ? <Text>{run.step.title}</Text> : <Text dimColor>{run.ready ? 'between steps' : 'starting the topology'}</Text>}
              <Text dimColor>  {formatDuration(now - (run.step?.startedAt ?? run.startedAt))}</Text>
            </Text>
          ))}
        </Box>
      )}
    </>
  );
}
