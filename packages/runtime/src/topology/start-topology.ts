import { performance } from 'node:perf_hooks';
import type { ServiceName, ServiceSpec, Timings, TimingsPreset } from '@topolab/services/contract';
import { createSpanId } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import { isTopolabError } from '../errors/topolab-error.js';
import { isLiveState } from '../supervisor/instance-state.js';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { createSupervisor, type Supervisor } from '../supervisor/supervisor.js';
import type { SupervisorEvent } from '../supervisor/supervisor-events.js';
import { createTraceCollector, type TraceCollector } from '../telemetry/trace-collector.js';
import { formatHttpUrl, planAddress } from './addresses.js';
import { startCatalogPoller, type CatalogPoller } from './catalog-poller.js';
import { instanceLogFile, prepareDataDir } from './data-dir.js';
import { buildInstanceEnv } from './instance-env.js';
import { createInstanceStats, type InstanceCounters } from './instance-stats.js';
import { assertPortFree, portInUse } from './port-check.js';
import { orderStartLayers } from './start-layers.js';
import { createTopologyEventHub, type TopologyEvents } from './topology-events.js';
import { normalizeTopologyOptions, type NormalizedTopologyOptions, type TopologyOptions } from './topology-options.js';

/** One instance as the topology shows it: the supervisor's view plus traffic and registry facts. */
export interface InstanceView extends InstanceInfo, InstanceCounters {
  readonly kind: ServiceSpec['kind'];
}

/** A running topology. */
export interface Topology {
  /** `http://127.0.0.1:8080`: where users send requests. */
  readonly gatewayUrl: string;
  /** `http://127.0.1.1:<port>`. */
  readonly registryUrl: string;
  /** Absolute path of the data dir. */
  readonly dataDir: string;
  readonly timings: Timings;
  readonly timingsPreset: TimingsPreset;
  /** Milliseconds from startTopology's call until every instance was ready. */
  readonly readyMs: number;
  /** The options after defaults and validation. */
  readonly options: NormalizedTopologyOptions;
  /** A snapshot of every instance, in start order. */
  instances(): InstanceView[];
  /** Instance states, crashes, logs, spans, domain events and topology milestones. */
  readonly events: TopologyEvents;
  /** Recent spans of every instance (registry polls of the runtime left out), for waitForTrace. */
  readonly traces: TraceCollector;
  /** The supervisor, for faults (kill, pause, commands). */
  readonly supervisor: Supervisor;
  /**
   * Starts (or restarts) one instance of a service with the topology's address plan and
   * environment: `index` defaults to the lowest one not running. Resolves once it is ready.
   */
  startInstance(service: ServiceName, index?: number): Promise<InstanceView>;
  /** Stops every instance (registry last); resolves when every child is gone. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a whole topology: registry first, then every service that starts after it, each
 * service's instances in parallel. If any instance fails to start, everything already
 * started is stopped and the error is thrown (TOPOLOGY_PORT_IN_USE, SUPERVISOR_START_TIMEOUT, …).
 */
export async function startTopology(topologyOptions: TopologyOptions): Promise<Topology> {
  const started = performance.now();
  const options = normalizeTopologyOptions(topologyOptions);
  const { manifest } = options;
  prepareDataDir(options.dataDir, { fresh: options.fresh });
  if (manifest.some((spec) => spec.name === 'gateway')) await assertPortFree(options.gatewayHost, options.gatewayPort);

  const hub = createTopologyEventHub();
  if (topologyOptions.onEvent) hub.subscribe(topologyOptions.onEvent);
  const traces = createTraceCollector();
  const stats = createInstanceStats();
  const pollMarker = createSpanId();
  const supervisor = createSupervisor({
    onEvent: (event) => forward(event),
    startTimeoutMs: options.startTimeoutMs,
    graceMs: options.graceMs,
  });

  function forward(event: SupervisorEvent): void {
    if (event.type === 'spans') {
      const spans = event.spans.filter((span) => span.parentSpanId !== pollMarker);
      if (spans.length === 0) return;
      stats.recordSpans(spans);
      traces.add(spans);
      hub.emit(spans.length === event.spans.length ? event : { ...event, spans });
      return;
    }
    hub.emit(event);
  }

  let registryUrl = '';
  let stopped = false;
  const specOf = (service: string) => manifest.find((spec) => spec.name === service);

  async function startOne(spec: ServiceSpec, index: number): Promise<InstanceInfo> {
    const { host, port } = planAddress({ spec, index, gatewayHost: options.gatewayHost, gatewayPort: options.gatewayPort });
    const env = buildInstanceEnv({
      registryUrl: spec.name === 'registry' ? undefined : registryUrl || undefined,
      dataDir: options.dataDir,
      timings: options.timings,
      logLevel: options.logLevel,
      extra: options.env,
    });
    try {
      return await supervisor.startInstance({ spec, index, host, port, env, logFile: instanceLogFile(options.dataDir, spec.name, index) });
    } catch (error) {
      // The port can be taken between the pre-check and the gateway's listen.
      if (port !== 0 && isTopolabError(error) && error.lastLines?.some((line) => line.includes('EADDRINUSE'))) {
        throw portInUse(host, port, error, error.lastLines);
      }
      throw error;
    }
  }

  try {
    for (const layer of orderStartLayers(manifest)) {
      const starts = layer.flatMap((spec) => Array.from({ length: options.replicas[spec.name] ?? 1 }, (_, i) => startOne(spec, i + 1)));
      const infos = await Promise.all(starts);
      const registry = infos.find((info) => info.service === 'registry');
      if (registry) registryUrl = formatHttpUrl(registry.host, registry.port);
    }
  } catch (error) {
    await supervisor.stopAll({ graceMs: options.graceMs });
    throw error;
  }

  const gateway = supervisor.get('gateway#1');
  const gatewayUrl = gateway ? formatHttpUrl(gateway.host, gateway.port) : '';
  const poller: CatalogPoller | undefined = registryUrl
    ? startCatalogPoller({ registryUrl, markerSpanId: pollMarker, onCatalog: (catalog) => stats.recordCatalog(catalog) })
    : undefined;
  const readyMs = performance.now() - started;
  hub.emit({ type: 'topology.ready', time: Date.now(), readyMs, gatewayUrl, registryUrl });

  const toView = (info: InstanceInfo): InstanceView => ({ ...info, ...stats.get(info.id), kind: specOf(info.service)?.kind ?? 'domain' });
  let stopping: Promise<void> | undefined;

  return {
    gatewayUrl,
    registryUrl,
    dataDir: options.dataDir,
    timings: options.timings,
    timingsPreset: options.timingsPreset,
    readyMs,
    options,
    instances: () => supervisor.list().map(toView),
    events: hub,
    traces,
    supervisor,
    async startInstance(service, index) {
      if (stopped) throw runtimeError('TOPOLOGY_STOPPED', { message: 'The topology has been stopped; start a new one.' });
      const spec = specOf(service);
      if (!spec) throw runtimeError('SUPERVISOR_UNKNOWN_INSTANCE', { message: `This topology has no service ${service}.`, details: { service } });
      const live = new Set(supervisor.list().filter((info) => info.service === service && isLiveState(info.state)).map((info) => info.index));
      let next = index ?? 1;
      while (index === undefined && live.has(next)) next += 1;
      return toView(await startOne(spec, next));
    },
    stop() {
      stopping ??= (async () => {
        stopped = true;
        hub.emit({ type: 'topology.stopping', time: Date.now() });
        poller?.stop();
        await supervisor.stopAll({ graceMs: options.graceMs });
        hub.emit({ type: 'topology.stopped', time: Date.now() });
      })();
      return stopping;
    },
  };
}
