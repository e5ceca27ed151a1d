import { holdsLease, type ServiceName, type ServiceSpec } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import { isLiveState } from '../supervisor/instance-state.js';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { TraceCollector } from '../telemetry/trace-collector.js';
import { createControlTokens } from './control-tokens.js';
import { describeEdge } from './describe-edge.js';
import type { EdgePlan } from './edge-plan.js';
import { createFaultInjector, type FaultInjector } from './faults.js';
import { switchGatewayModes } from './gateway-modes.js';
import type { StartInstanceOf } from './instance-starter.js';
import type { InstanceStats } from './instance-stats.js';
import type { ProgramPlan } from './program-instances.js';
import { scaleService } from './scale.js';
import { createSerialQueue, type SerialQueue } from './serial-queue.js';
import type { InstanceView, Topology } from './topology.js';
import type { TopologyEvent, TopologyEventHub } from './topology-events.js';
import { allowsNoAuth, validateModes, type ModesChange, type TopologyModes } from './topology-modes.js';
import type { NormalizedTopologyOptions } from './topology-options.js';
import type { TopologySecrets } from './topology-secrets.js';

/** What one run of a topology holds, shared by its start (start-topology.ts) and its handle. */
export interface TopologyRun {
  readonly options: NormalizedTopologyOptions;
  readonly edge: EdgePlan;
  readonly secrets: TopologySecrets;
  readonly hub: TopologyEventHub;
  readonly traces: TraceCollector;
  readonly stats: InstanceStats;
  /** Marks the catalog poller's own requests, whose spans are not shown. */
  readonly pollMarker: string;
  readonly supervisor: Supervisor;
  readonly programs: ProgramPlan;
  readonly startOne: StartInstanceOf;
  readonly specOf: (service: string) => ServiceSpec | undefined;
  /** What changes while it runs. */
  readonly state: { registryUrl: string; modes: TopologyModes; stopped: boolean; readyMs: number };
}

/** What the handle adds to a run: its faults and the queue that serialises changes. */
interface HandleParts {
  readonly run: TopologyRun;
  readonly faults: FaultInjector;
  readonly queue: SerialQueue;
  readonly toView: (info: InstanceInfo) => InstanceView;
}

/** The Topology a started run answers with; `stopExtras` stops what startTopology added (timers, the catalog poller). */
export function createTopologyHandle(run: TopologyRun, stopExtras: () => void): Topology {
  const { options, edge, hub, supervisor, secrets, state } = run;
  const faults = createFaultInjector({ supervisor, specOf: run.specOf, timings: options.timings, graceMs: options.graceMs, start: run.startOne });
  const parts: HandleParts = { run, faults, queue: createSerialQueue(), toView: (info) => toInstanceView(run, faults, info) };
  const controlTokens = createControlTokens({ clientKey: secrets.clientKey, instances: () => supervisor.list() });
  const gateway = supervisor.get('gateway#1');
  const gatewayUrl = gateway ? edge.urlOf(gateway) : '';
  const registryUrl = state.registryUrl;
  let stopping: Promise<void> | undefined;

  return {
    gatewayUrl,
    get gatewayUrls() {
      return supervisor
        .list()
        .filter((info) => info.service === 'gateway' && isLiveState(info.state))
        .sort((a, b) => a.index - b.index)
        .map((info) => edge.urlOf(info));
    },
    get edge() {
      return describeEdge(edge, gatewayUrl, supervisor.get('dns#1'));
    },
    registryUrl,
    dataDir: options.dataDir,
    timings: options.timings,
    timingsPreset: options.timingsPreset,
    get readyMs() {
      return state.readyMs;
    },
    options,
    instances: () => supervisor.list().map(parts.toView),
    events: hub,
    traces: run.traces,
    supervisor,
    modes: () => state.modes,
    async serviceToken(audience) {
      const token = await controlTokens.token(audience);
      if (token === undefined) throw runtimeError('CONTROL_INVALID_REQUEST', { message: `The runtime is granted no scope of ${audience}.` });
      return token;
    },
    assertIdentity: (subject, ttlS) => secrets.assertIdentity(subject, ttlS),
    setModes: (change) => setModes(parts, change),
    async fault(action, instanceId) {
      assertRunning(run);
      const inject = () => faults.inject(action, instanceId);
      const result = await (action === 'restart' ? parts.queue(inject) : inject());
      emitFault(run, action, instanceId, result.detail);
      return result;
    },
    async scale(service, replicas) {
      assertRunning(run);
      const result = await parts.queue(() => scaleService({ supervisor, manifest: options.manifest, gatewayPort: options.gatewayPort, graceMs: options.graceMs, start: run.startOne }, service, replicas));
      const changes = [...result.started.map((id) => `started ${id}`), ...result.stopped.map((id) => `stopped ${id}`)];
      emitFault(run, 'scale', service, `${result.previous} → ${result.replicas}${changes.length > 0 ? ` (${changes.join(', ')})` : ''}`);
      return result;
    },
    startInstance: (service, index) => startInstance(parts, service, index),
    stop() {
      stopping ??= stopRun(run, stopExtras);
      return stopping;
    },
  };
}

/** An instance as the topology shows it: its info, counters, lease and fault marks. */
function toInstanceView(run: TopologyRun, faults: FaultInjector, info: InstanceInfo): InstanceView {
  const spec = run.specOf(info.service);
  const counters = run.stats.get(info.id);
  // An instance that keeps no lease is neither listed nor missing from the catalog.
  const registers = holdsLease(spec ?? { name: info.service as ServiceName });
  return { ...info, ...counters, ...(registers ? {} : { registered: undefined }), registers, kind: spec?.kind ?? 'domain', zombie: faults.isZombie(info) };
}

function assertRunning(run: TopologyRun): void {
  if (run.state.stopped) throw runtimeError('TOPOLOGY_STOPPED', { message: 'The topology has been stopped; start a new one.' });
}

function emitFault(run: TopologyRun, action: Extract<TopologyEvent, { type: 'topology.fault' }>['action'], target: string, detail: string): void {
  run.hub.emit({ type: 'topology.fault', time: Date.now(), action, target, detail });
}

/** Switches every gateway to the modes of `change`, one change at a time; rolls back inside switchGatewayModes. */
async function setModes({ run, queue }: HandleParts, change: ModesChange): Promise<TopologyModes> {
  assertRunning(run);
  const { state } = run;
  const modeOptions = { noAuth: allowsNoAuth(run.options.env) };
  validateModes(change, state.modes, modeOptions);
  return queue(async () => {
    const previous = state.modes;
    const target = validateModes(change, previous, modeOptions);
    if (target.discovery === previous.discovery && target.auth === previous.auth) return previous;
    await switchGatewayModes({ supervisor: run.supervisor, target, previous });
    state.modes = target;
    run.hub.emit({ type: 'topology.modes', time: Date.now(), modes: target, previous });
    return target;
  });
}

/** Starts instance `index` of `service`, or the lowest index not running. */
async function startInstance({ run, queue, toView }: HandleParts, service: ServiceName, index: number | undefined): Promise<InstanceView> {
  assertRunning(run);
  const spec: ServiceSpec | undefined = run.specOf(service);
  if (!spec) throw runtimeError('TOPOLOGY_UNKNOWN_SERVICE', { message: `This topology has no service ${service}.`, details: { service } });
  return queue(async () => {
    const live = new Set(run.supervisor.list().filter((info) => info.service === service && isLiveState(info.state)).map((info) => info.index));
    let next = index ?? 1;
    while (index === undefined && live.has(next)) next += 1;
    return toView(await run.startOne(spec, next));
  });
}

async function stopRun(run: TopologyRun, stopExtras: () => void): Promise<void> {
  run.state.stopped = true;
  run.hub.emit({ type: 'topology.stopping', time: Date.now() });
  stopExtras();
  await run.supervisor.stopAll({ graceMs: run.options.graceMs });
  await run.programs.close();
  run.hub.emit({ type: 'topology.stopped', time: Date.now() });
}
