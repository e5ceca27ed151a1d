import { useCallback, useMemo, useState } from 'react';
import { createControlApi, type ControlApi } from '../model/api';
import { Charts } from './Charts';
import { EventLog } from './EventLog';
import { GraphView } from './GraphView';
import { Header } from './Header';
import { useDashboard, useStatusLine } from './hooks';
import { InstancesPanel } from './InstancesPanel';
import { PhonePanel } from './PhonePanel';
import { RequestList } from './RequestList';
import { StatusLine } from './StatusLine';
import { WaterfallView } from './WaterfallView';

/** Props of App. */
export interface AppProps {
  /** @default the control API of this origin */
  readonly api?: ControlApi;
}

/** The dashboard: header, graph, requests and waterfall, instances, charts, event log and phone. */
export function App({ api: givenApi }: AppProps) {
  const api = useMemo(() => givenApi ?? createControlApi(), [givenApi]);
  const { store, view } = useDashboard();
  const { status, run, dismiss } = useStatusLine();
  const [selectedTraceId, setSelectedTraceId] = useState<string | undefined>(undefined);
  const [selectedInstance, setSelectedInstance] = useState<string | undefined>(undefined);

  // The trace store changes in place; `tracesVersion` says when.
  const { tracesVersion } = view;
  const requests = useMemo(() => store.traces.recentRequests(30), [store, tracesVersion]);
  const trace = useMemo(() => (selectedTraceId === undefined ? undefined : store.traces.get(selectedTraceId)), [store, selectedTraceId, tracesVersion]);

  const subscribeHops = useCallback((listener: Parameters<typeof store.onHops>[0]) => store.onHops(listener), [store]);
  const readPhone = useCallback((number: string) => api.readPhone(number, 5), [api]);
  const selectInstance = useCallback((instanceId: string) => {
    setSelectedInstance(instanceId);
    document.querySelector(`[data-testid="instance-${CSS.escape(instanceId)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, []);

  return (
    <div className="app">
      <Header gatewayUrl={view.gatewayUrl} connection={view.connection} modes={view.modes} choices={view.choices} onSetMode={api.setMode} run={run} />
      <main className="layout">
        <GraphView instances={view.instances} links={view.links} subscribeHops={subscribeHops} selectedInstance={selectedInstance} onSelectInstance={selectInstance} />
        <RequestList requests={requests} selectedTraceId={selectedTraceId} onSelect={setSelectedTraceId} />
        <WaterfallView trace={trace} selected={selectedTraceId !== undefined} />
        <InstancesPanel instances={view.instances} services={view.services} clockOffsetMs={view.clockOffsetMs} onAction={api.instanceAction} onScale={api.scale} run={run} selectedInstance={selectedInstance} />
        <Charts samples={store.samples.list()} version={tracesVersion} clockOffsetMs={view.clockOffsetMs} />
        <EventLog logs={view.logs} />
        <PhonePanel latest={view.phone} readPhone={readPhone} />
      </main>
      <StatusLine status={status} onDismiss={dismiss} />
    </div>
  );
}
