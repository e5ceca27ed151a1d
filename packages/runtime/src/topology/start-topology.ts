import { performance } from 'node:perf_hooks';
import type { ServiceSpec } from '@topolab/services/contract';
import { createSpanId, holdsLease, type ServiceName } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import { isLiveState } from '../supervisor/instance-state.js';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { createSupervisor } from '../supervisor/supervisor.js';
import type { SupervisorEvent } from '../supervisor/supervisor-events.js';
import { createTraceCollector } from '../telemetry/trace-collector.js';
import { formatHttpUrl, gatewayPortOf } from './addresses.js';
import { startCatalogPoller, type CatalogPoller } from './catalog-poller.js';
import { prepareDataDir } from './data-dir.js';
import { createFaultInjector } from './faults.js';
import { switchGatewayModes } from './gateway-modes.js';
import { createInstanceStarter } from './instance-starter.js';
import { createInstanceStats } from './instance-stats.js';
import { createProgramPlan } from './program-instances.js';
import { assertPortFree } from './port-check.js';
import { scaleService } from './scale.js';
import { createSerialQueue } from './serial-queue.js';
import { orderStartLayers } from './start-layers.js';
import type { InstanceView, Topology } from './topology.js';
import { createTopologyEventHub, type TopologyEvent } from './topology-events.js';
import { allowsNoAuth, validateModes, type TopologyModes } from './topology-modes.js';
import { normalizeTopologyOptions, type TopologyOptions } from './topology-options.js';

export type { InstanceView, Topology } from './topology.js';

/**
 * Starts a whole topology: registry first, then every service that starts after it, each
 * service's instances in parallel (a sidecar before its gateway). If any instance fails to
 * start, everything already started is stopped and the error is thrown
 * (TOPOLOGY_PORT_IN_USE, SUPERVISOR_START_TIMEOUT, …).
 */
export async function startTopology(topologyOptions: TopologyOptions): Promise<Topology> {
  const started = performance.now();
  const options = normalizeTopologyOptions(topologyOptions);
  const { manifest } = options;
  prepareDataDir(options.dataDir, { fresh: options.fresh });
  if (manifest.some((spec) => spec.name === 'gateway')) {
    for (let index = 1; index <= (options.replicas.gateway ?? 1); index += 1) await assertPortFree(options.gatewayHost, gatewayPortOf(index, options.gatewayPort));
  }

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
  let modes: TopologyModes = options.modes;
  let stopped = false;
  const specOf = (service: string) => manifest.find((spec) => spec.name === service);
  const programs = createProgramPlan({ manifest, backends: options.backends, programs: options.programs, dataDir: options.dataDir });
  const startOne = createInstanceStarter({ options, supervisor, registryUrl: () => registryUrl, modes: () => modes, programs });

  try {
    for (const layer of orderStartLayers(manifest)) {
      const starts = layer.flatMap((spec) => Array.from({ length: options.replicas[spec.name] ?? 1 }, (_, i) => startOne(spec, i + 1)));
      const infos = await Promise.all(starts);
      const registry = infos.find((info) => info.service === 'registry');
      if (registry) registryUrl = formatHttpUrl(registry.host, registry.port);
    }
  } catch (error) {
    await supervisor.stopAll({ graceMs: options.graceMs });
    await programs.close();
    throw error;
  }

  const gateway = supervisor.get('gateway#1');
  const gatewayUrl = gateway ? formatHttpUrl(gateway.host, gateway.port) : '';
  const poller: CatalogPoller | undefined = registryUrl
    ? startCatalogPoller({ registryUrl, markerSpanId: pollMarker, onCatalog: (catalog) => stats.recordCatalog(catalog) })
    : undefined;
  const readyMs = performance.now() - started;
  hub.emit({ type: 'topology.ready', time: Date.now(), readyMs, gatewayUrl, registryUrl });

  const faults = createFaultInjector({ supervisor, specOf, timings: options.timings, graceMs: options.graceMs, start: startOne });
  const queue = createSerialQueue();
  const toView = (info: InstanceInfo): InstanceView => {
    const spec = specOf(info.service);
    const counters = stats.get(info.id);
    // An instance that keeps no lease is neither listed nor missing from the catalog.
    const registers = holdsLease(spec ?? { name: info.service as ServiceName });
    return { ...info, ...counters, ...(registers ? {} : { registered: undefined }), registers, kind: spec?.kind ?? 'domain', zombie: faults.isZombie(info) };
  };
  const assertRunning = () => {
    if (stopped) throw runtimeError('TOPOLOGY_STOPPED', { message: 'The topology has been stopped; start a new one.' });
  };
  const emitFault = (action: Extract<TopologyEvent, { type: 'topology.fault' }>['action'], target: string, detail: string) =>
    hub.emit({ type: 'topology.fault', time: Date.now(), action, target, detail });
  let stopping: Promise<void> | undefined;

  return {
    gatewayUrl,
    get gatewayUrls() {
      return supervisor
        .list()
        .filter((info) => info.service === 'gateway' && isLiveState(info.state))
        .sort((a, b) => a.index - b.index)
        .map((info) => formatHttpUrl(info.host, info.port));
    },
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
    modes: () => modes,
    async setModes(change) {
      assertRunning();
      const modeOptions = { noAuth: allowsNoAuth(options.env) };
      validateModes(change, modes, modeOptions);
      return queue(async () => {
        const previous = modes;
        const target = validateModes(change, previous, modeOptions);
        if (target.discovery === previous.discovery && target.auth === previous.auth) return previous;
        await switchGatewayModes({ supervisor, target, previous });
        modes = target;
        hub.emit({ type: 'topology.modes', time: Date.now(), modes: target, previous });
        return target;
      });
    },
    async fault(action, instanceId) {
      assertRunning();
      const inject = () => faults.inject(action, instanceId);
      const result = await (action === 'restart' ? queue(inject) : inject());
      emitFault(action, instanceId, result.detail);
      return result;
    },
    async scale(service, replicas) {
      assertRunning();
      const result = await queue(() => scaleService({ supervisor, manifest, gatewayPort: options.gatewayPort, graceMs: options.graceMs, start: startOne }, service, replicas));
      const changes = [...result.started.map((id) => `started ${id}`), ...result.stopped.map((id) => `stopped ${id}`)];
      emitFault('scale', service, `${result.previous} → ${result.replicas}${changes.length > 0 ? ` (${changes.join(', ')})` : ''}`);
      return result;
    },
    async startInstance(service, index) {
      assertRunning();
      const spec: ServiceSpec | undefined = specOf(service);
      if (!spec) throw runtimeError('TOPOLOGY_UNKNOWN_SERVICE', { message: `This topology has no service ${service}.`, details: { service } });
      return queue(async () => {
        const live = new Set(supervisor.list().filter((info) => info.service === service && isLiveState(info.state)).map((info) => info.index));
        let next = index ?? 1;
        while (index === undefined && live.has(next)) next += 1;
        return toView(await startOne(spec, next));
      });
    },
    stop() {
      stopping ??= (async () => {
        stopped = true;
        hub.emit({ type: 'topology.stopping', time: Date.now() });
        poller?.stop();
        await supervisor.stopAll({ graceMs: options.graceMs });
        await programs.close();
        hub.emit({ type: 'topology.stopped', time: Date.now() });
      })();
      return stopping;
    },
  };
}
