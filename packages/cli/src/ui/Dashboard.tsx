import { Box, Text, useInput } from 'ink';
import type { Topology, TopologyEvent } from '@topolab/runtime';
import { EventLog } from './EventLog.js';
import { ServicesTable } from './ServicesTable.js';
import { SmsPanel } from './SmsPanel.js';
import { useEventLog } from './use-event-log.js';
import { useInstances } from './use-instances.js';
import { useLatestSms } from './use-latest-sms.js';

/** Props of Dashboard. */
export interface DashboardProps {
  /** The running topology. */
  readonly topology: Pick<Topology, 'instances' | 'events' | 'gatewayUrl' | 'readyMs' | 'timings' | 'dataDir'>;
  /** Events that happened before the dashboard was drawn (start-up). */
  readonly initialEvents: readonly TopologyEvent[];
  /** Called on q or Ctrl-C. */
  readonly onQuit: () => void;
}

/** The live view of `topolab up`: instances, events and the latest SMS messages. */
export function Dashboard({ topology, initialEvents, onQuit }: DashboardProps) {
  const { instances, now } = useInstances(topology);
  const lines = useEventLog(topology, initialEvents);
  const messages = useLatestSms(topology);
  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) onQuit();
  });
  const t = topology.timings;
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold color="green">topolab</Text> · gateway <Text bold>{topology.gatewayUrl}</Text> · ready in {Math.round(topology.readyMs)} ms · heartbeat{' '}
        {t.heartbeatMs} ms, eviction after {t.missedHeartbeats} missed
      </Text>
      <Box marginY={1}>
        <ServicesTable instances={instances} now={now} />
      </Box>
      <EventLog lines={lines} />
      <SmsPanel messages={messages} />
      <Text dimColor>q quit · topolab status / topolab phone NUMBER in another terminal · data {topology.dataDir}</Text>
    </Box>
  );
}
