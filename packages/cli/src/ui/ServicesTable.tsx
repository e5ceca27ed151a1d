import { Box, Text } from 'ink';
import type { InstanceView } from '@topolab/runtime';
import { instanceCells, instanceHeaders } from '../output/format.js';

/** Props of ServicesTable. */
export interface ServicesTableProps {
  /** Instances in start order. */
  readonly instances: readonly InstanceView[];
  /** Epoch ms the heartbeat ages are measured from. */
  readonly now: number;
  /** The highlighted row (the one the dashboard's keys act on). */
  readonly selectedId?: string | undefined;
}

const widths = [12, 22, 8, 10, 12, 10, 7];
const stateColor: Record<string, string> = { ready: 'green', starting: 'yellow', stopping: 'yellow', paused: 'magenta', zombie: 'magenta', crashed: 'red', exited: 'gray' };

/** One row per instance: id, address, pid, state, last heartbeat, requests, errors; the selected one marked and inverted. */
export function ServicesTable({ instances, now, selectedId }: ServicesTableProps) {
  return (
    <Box flexDirection="column">
      <Box>
        <Box width={2} />
        {instanceHeaders.map((header, i) => (
          <Box key={header} width={widths[i]}>
            <Text bold>{header}</Text>
          </Box>
        ))}
      </Box>
      {instances.map((instance) => {
        const cells = instanceCells(instance, now);
        const selected = instance.id === selectedId;
        return (
          <Box key={instance.id}>
            <Box width={2}>
              <Text color="cyan">{selected ? '›' : ' '}</Text>
            </Box>
            {cells.map((cell, i) => (
              <Box key={instanceHeaders[i]} width={widths[i]}>
                <Text inverse={selected} color={i === 3 ? stateColor[instance.zombie ? 'zombie' : instance.state] : i === 6 && instance.errors > 0 ? 'red' : undefined} wrap="truncate">
                  {cell}
                </Text>
              </Box>
            ))}
          </Box>
        );
      })}
    </Box>
  );
}
