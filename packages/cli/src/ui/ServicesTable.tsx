import { Box, Text } from 'ink';
import type { InstanceView } from '@topolab/runtime/topology';
import { instanceCells, instanceCondition } from '../output/format.js';
import { gridGap, instanceLabel, visibleGridLines, type ServiceGrid } from './service-grid.js';

/** Props of ServicesTable. */
export interface ServicesTableProps {
  /** Services in columns (layoutServiceGrid). */
  readonly grid: ServiceGrid;
  /** Instances, for the selected one's details. */
  readonly instances: readonly InstanceView[];
  /** Epoch ms the heartbeat ages are measured from. */
  readonly now: number;
  /** The selected instance (the one the dashboard's keys act on). */
  readonly selectedId?: string | undefined;
  /** Most lines of the grid to draw; the lines around the selected instance when there are more. */
  readonly maxLines: number;
}

const stateColor: Record<string, string> = { ready: 'green', starting: 'yellow', stopping: 'yellow', paused: 'magenta', zombie: 'magenta', unlisted: 'yellow', crashed: 'red', exited: 'gray' };

/** `› profile#2  127.0.5.2:40002  pid 1002  paused  7 req  1 err  heartbeat 3.1 s ago`. */
function SelectedLine({ instance, now }: { readonly instance: InstanceView | undefined; readonly now: number }) {
  if (!instance) return <Text dimColor>no instances</Text>;
  const [id, address, pid, state, heartbeat, requests, errors] = instanceCells(instance, now);
  return (
    <Text wrap="truncate">
      <Text color="cyan">› </Text>
      <Text bold>{id}</Text>  {address}  pid {pid}  <Text color={stateColor[instanceCondition(instance)]}>{state}</Text>  {requests} req  <Text color={instance.errors > 0 ? 'red' : undefined}>{errors} err</Text>
      <Text dimColor>  heartbeat {heartbeat}</Text>
    </Text>
  );
}

/**
 * The instances grouped by service: first the selected instance with its address, pid, state,
 * request and error counts and last heartbeat, then one cell per service listing its
 * instances by state (`profile  ›#1 ready  #2 paused`), the selected one marked and inverted.
 */
export function ServicesTable({ grid, instances, now, selectedId, maxLines }: ServicesTableProps) {
  const { lines } = visibleGridLines(grid, maxLines, selectedId);
  return (
    <Box flexDirection="column">
      <SelectedLine instance={instances.find((instance) => instance.id === selectedId)} now={now} />
      {lines.map((line) => (
        <Box key={line[0]!.service}>
          {line.map((group, i) => (
            <Box key={group.service} width={grid.cellWidth} marginRight={i === line.length - 1 ? 0 : gridGap} flexShrink={0}>
              <Text wrap="truncate">
                <Text bold>{group.service.padEnd(grid.nameWidth)}</Text>
                {group.instances.map((instance) => {
                  const selected = instance.id === selectedId;
                  return (
                    <Text key={instance.id}>
                      {' '}
                      <Text color="cyan">{selected ? '›' : ' '}</Text>
                      <Text color={stateColor[instanceCondition(instance)]} inverse={selected}>
                        {instanceLabel(instance)}
                      </Text>
                    </Text>
                  );
                })}
              </Text>
            </Box>
          ))}
        </Box>
      ))}
    </Box>
  );
}
