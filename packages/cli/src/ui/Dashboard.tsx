import { Box } from 'ink';
import type { Topology, TopologyEvent } from '@topolab/runtime';
import { EventLog } from './EventLog.js';
import { Header } from './Header.js';
import { KeyFooter } from './KeyFooter.js';
import { ServicesTable } from './ServicesTable.js';
import { SmsPanel } from './SmsPanel.js';
import { useActions } from './use-actions.js';
import { useDashboardKeys } from './use-dashboard-keys.js';
import { useEventLog } from './use-event-log.js';
import { useInstances } from './use-instances.js';
import { useLatestSms } from './use-latest-sms.js';
import { useModes } from './use-modes.js';
import { useSelection } from './use-selection.js';

/** What the dashboard shows and acts on of a topology. */
export type DashboardTopology = Pick<
  Topology,
  'instances' | 'events' | 'gatewayUrl' | 'gatewayUrls' | 'readyMs' | 'timings' | 'dataDir' | 'modes' | 'setModes' | 'fault' | 'scale' | 'serviceToken'
> & { readonly options: Pick<Topology['options'], 'limits'> };

/** Props of Dashboard. */
export interface DashboardProps {
  /** The running topology. */
  readonly topology: DashboardTopology;
  /** Events that happened before the dashboard was drawn (start-up). */
  readonly initialEvents: readonly TopologyEvent[];
  /** Called on q or Ctrl-C. */
  readonly onQuit: () => void;
}

/** The live view of `topolab up`: modes, instances (one selected, for the fault keys), events and the latest SMS messages. */
export function Dashboard({ topology, initialEvents, onQuit }: DashboardProps) {
  const { instances, now } = useInstances(topology);
  const log = useEventLog(topology, initialEvents);
  const messages = useLatestSms(topology);
  const selection = useSelection(instances.map((instance) => instance.id));
  const modes = useModes(topology);
  const actions = useActions(log.push);
  useDashboardKeys({ topology, instances, selection, modes, actions, onQuit });
  return (
    <Box flexDirection="column">
      <Header gatewayUrls={topology.gatewayUrls} modes={modes.modes} readyMs={topology.readyMs} timings={topology.timings} limits={topology.options.limits} />
      <Box marginY={1}>
        <ServicesTable instances={instances} now={now} selectedId={selection.selectedId} />
      </Box>
      <EventLog lines={log.lines} />
      <SmsPanel messages={messages} />
      <KeyFooter pending={actions.pending} dataDir={topology.dataDir} />
    </Box>
  );
}
