import { useMemo } from 'react';
import { Box } from 'ink';
import type { Topology, TopologyEvent } from '@topolab/runtime';
import { buildHopTree } from '@topolab/runtime/trace-model';
import { planDashboard } from './dashboard-layout.js';
import { EventLog } from './EventLog.js';
import { Header } from './Header.js';
import { KeyFooter, keyFooterHeight } from './KeyFooter.js';
import { hopTreeLines } from './request-lines.js';
import { RequestPanel } from './RequestPanel.js';
import { groupInstances, layoutServiceGrid } from './service-grid.js';
import { ServicesTable } from './ServicesTable.js';
import { SmsPanel } from './SmsPanel.js';
import { useActions } from './use-actions.js';
import { useDashboardKeys } from './use-dashboard-keys.js';
import { useEventLog } from './use-event-log.js';
import { useInstances } from './use-instances.js';
import { useLatestSms } from './use-latest-sms.js';
import { useModes } from './use-modes.js';
import { useRequests } from './use-requests.js';
import { useSelection } from './use-selection.js';
import { useTerminalSize } from './use-terminal-size.js';

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
  /** The web dashboard's login link, shown in the header. @default none */
  readonly webLink?: string;
}

/**
 * The live view of `topolab up`, sized to the terminal: modes, instances grouped by service (one
 * selected, for the fault keys), the recent requests with the selected one's hop tree, events,
 * the latest SMS messages and the keys.
 */
export function Dashboard({ topology, initialEvents, onQuit, webLink }: DashboardProps) {
  const { columns, rows } = useTerminalSize();
  const { instances, now } = useInstances(topology);
  const log = useEventLog(topology, initialEvents);
  const messages = useLatestSms(topology);
  const requests = useRequests(topology);
  const groups = useMemo(() => groupInstances(instances), [instances]);
  // ↑ and ↓ walk the instances as the grid shows them: service by service.
  const selection = useSelection(groups.flatMap((group) => group.instances.map((instance) => instance.id)));
  const requestSelection = useSelection(requests.map((request) => request.traceId));
  const modes = useModes(topology);
  const actions = useActions(log.push);
  useDashboardKeys({ topology, instances, selection, requestSelection, modes, actions, onQuit });

  const grid = layoutServiceGrid(groups, columns);
  const selectedRequest = requests.find((request) => request.traceId === requestSelection.selectedId);
  const tree = useMemo(() => selectedRequest && buildHopTree(selectedRequest), [selectedRequest]);
  const layout = planDashboard({
    rows,
    gridLines: grid.lines.length,
    requests: requests.length,
    treeLines: tree ? hopTreeLines(tree, Number.POSITIVE_INFINITY).length : 0,
    events: log.lines.length,
    sms: messages.length,
    footerLines: keyFooterHeight(columns, actions.pending),
  });
  return (
    <Box flexDirection="column" width={columns}>
      <Header gatewayUrls={topology.gatewayUrls} modes={modes.modes} readyMs={topology.readyMs} timings={topology.timings} limits={topology.options.limits} detail={layout.headerDetail} {...(webLink ? { webLink } : {})} />
      <ServicesTable grid={grid} instances={instances} now={now} selectedId={selection.selectedId} maxLines={layout.gridLines} />
      <RequestPanel requests={requests} selectedId={requestSelection.selectedId} tree={tree} rows={layout.requestRows} treeLines={layout.treeLines} columns={columns} />
      <EventLog lines={log.lines} maxLines={layout.eventLines} columns={columns} />
      <SmsPanel messages={messages} maxLines={layout.smsLines} />
      <KeyFooter pending={actions.pending} dataDir={topology.dataDir} columns={columns} hint={layout.hint} />
    </Box>
  );
}
