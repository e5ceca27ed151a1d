import { performance } from 'node:perf_hooks';
import { createSpanId } from '@topolab/services/contract';
import { isLiveState } from '../supervisor/instance-state.js';
import { createSupervisor } from '../supervisor/supervisor.js';
import type { SupervisorEvent } from '../supervisor/supervisor-events.js';
import { createTraceCollector } from '../telemetry/trace-collector.js';
import { ensureTlsMaterial, type TlsMaterial } from '../edge/tls-material.js';
import { formatHttpUrl } from './addresses.js';
import { createEdgePlan, type EdgePlan } from './edge-plan.js';
import { waitForEdgeRecords } from './edge-records.js';
import { startCatalogPoller, type CatalogPoller } from './catalog-poller.js';
import { prepareDataDir } from './data-dir.js';
import { prepareTopologySecrets, type TopologySecrets } from './topology-secrets.js';
import { createInstanceStarter } from './instance-starter.js';
import { createInstanceStats } from './instance-stats.js';
import { createProgramPlan } from './program-instances.js';
import { preflightTopology } from './preflight.js';
import { orderStartLayers } from './start-layers.js';
import type { Topology } from './topology.js';
import { createTopologyHandle, type TopologyRun } from './topology-handle.js';
import { createTopologyEventHub } from './topology-events.js';
import { normalizeTopologyOptions, type NormalizedTopologyOptions, type TopologyOptions } from './topology-options.js';

export type { InstanceView, Topology, TopologyEdge } from './topology.js';

/** How often the runtime rewrites every instance's platform tokens (they live 300 s; instances read theirs again 60 s before expiry). */
const platformTokenRefreshMs = 120_000;

/**
 * Starts a whole topology: checks first (preflight.ts: data dir, pinned ports, an external
 * Redis), then the registry, then every service that starts after it, each service's instances
 * in parallel (a sidecar before its gateway); then `beforeReady`, and only then `topology.ready`.
 * If any of it fails, everything already started is stopped and the error is thrown
 * (TOPOLOGY_PORT_IN_USE, TOPOLOGY_BACKEND_UNREACHABLE, SUPERVISOR_START_TIMEOUT, …).
 */
export async function startTopology(topologyOptions: TopologyOptions): Promise<Topology> {
  const started = performance.now();
  const options = normalizeTopologyOptions(topologyOptions);
  const { edge, issueTls } = planEdge(options);
  await preflightTopology(options, edge);
  prepareDataDir(options.dataDir, { fresh: options.fresh });
  const secrets = prepareTopologySecrets(options.dataDir);
  issueTls(ensureTlsMaterial(options.dataDir));

  const run = createTopologyRun(options, edge, secrets, topologyOptions.onEvent);
  const tokenRefresh = startTokenRefresh(run);
  try {
    await startLayers(run);
  } catch (error) {
    clearInterval(tokenRefresh);
    await run.supervisor.stopAll({ graceMs: options.graceMs });
    await run.programs.close();
    throw error;
  }

  const registryUrl = run.state.registryUrl;
  const poller: CatalogPoller | undefined = registryUrl
    ? // At least once per heartbeat (250 ms compressed): the dashboards show heartbeat ages and lease countdowns.
      startCatalogPoller({ registryUrl, markerSpanId: run.pollMarker, intervalMs: Math.min(500, options.timings.heartbeatMs), onCatalog: (catalog) => run.stats.recordCatalog(catalog) })
    : undefined;
  const topology = createTopologyHandle(run, () => {
    clearInterval(tokenRefresh);
    poller?.stop();
  });
  // "Ready" only once everything a client needs exists: the instances, DNS answering, and what the caller adds (control.json).
  try {
    await waitForEdgeRecords(topology.edge, run.supervisor.list().filter((info) => info.service === 'gateway'), options.startTimeoutMs);
    await topologyOptions.beforeReady?.(topology);
  } catch (error) {
    await topology.stop();
    throw error;
  }
  const readyMs = (run.state.readyMs = performance.now() - started);
  run.hub.emit({ type: 'topology.ready', time: Date.now(), readyMs, gatewayUrl: topology.gatewayUrl, registryUrl });
  return topology;
}

/** The edge (ports, TLS) of gateway #1's spec; `issueTls` hands it the TLS material once the checks passed. */
function planEdge(options: NormalizedTopologyOptions): { edge: EdgePlan; issueTls: (material: Promise<TlsMaterial>) => void } {
  const gatewaySpec = options.manifest.find((spec) => spec.listener === 'edge');
  let issueTls: (material: Promise<TlsMaterial>) => void = () => undefined;
  const edge = createEdgePlan({
    gatewaySpec: gatewaySpec ?? { name: 'gateway', addressOctet: 2 },
    gatewayHost: options.gatewayHost,
    httpPort: options.gatewayPort,
    httpsPort: options.httpsPort,
    // Issued (or read back) once the checks passed, while the first services start; the gateways wait for it.
    tls: options.tls && gatewaySpec ? new Promise<TlsMaterial>((resolve) => (issueTls = resolve)) : undefined,
  });
  return { edge, issueTls };
}

/** The event hub, the trace collector, the counters and the supervisor that feeds them. */
function createTopologyRun(options: NormalizedTopologyOptions, edge: EdgePlan, secrets: TopologySecrets, onEvent: TopologyOptions['onEvent']): TopologyRun {
  const { manifest } = options;
  const hub = createTopologyEventHub();
  if (onEvent) hub.subscribe(onEvent);
  const traces = createTraceCollector();
  const stats = createInstanceStats();
  const pollMarker = createSpanId();
  const supervisor = createSupervisor({
    onEvent: (event) => forwardSupervisorEvent(event, { hub, traces, stats, pollMarker }),
    startTimeoutMs: options.startTimeoutMs,
    graceMs: options.graceMs,
  });
  const state = { registryUrl: '', modes: options.modes, stopped: false, readyMs: 0 };
  const programs = createProgramPlan({ manifest, backends: options.backends, programs: options.programs, dataDir: options.dataDir });
  // Per topology run: a restarted instance gets the same credentials, another run other ones.
  const startOne = createInstanceStarter({ options, supervisor, registryUrl: () => state.registryUrl, modes: () => state.modes, programs, edge, secrets });
  const specOf = (service: string) => manifest.find((spec) => spec.name === service);
  return { options, edge, secrets, hub, traces, stats, pollMarker, supervisor, programs, startOne, specOf, state };
}

/** Passes a supervisor event on to the hub; spans (but the catalog poller's) also feed the traces and the counters. */
function forwardSupervisorEvent(event: SupervisorEvent, run: Pick<TopologyRun, 'hub' | 'traces' | 'stats' | 'pollMarker'>): void {
  if (event.type !== 'spans') return run.hub.emit(event);
  const spans = event.spans.filter((span) => span.parentSpanId !== run.pollMarker);
  if (spans.length === 0) return;
  run.stats.recordSpans(spans);
  run.traces.add(spans);
  run.hub.emit(spans.length === event.spans.length ? event : { ...event, spans });
}

/** The platform tokens last 5 minutes; each instance reads its file again a minute before expiry. */
function startTokenRefresh(run: TopologyRun): NodeJS.Timeout {
  const { supervisor, secrets, specOf, hub } = run;
  const tokenRefresh = setInterval(() => {
    const live = supervisor.list().filter((info) => isLiveState(info.state) && !specOf(info.service)?.program);
    try {
      secrets.refreshTokens(live);
    } catch (error) {
      const record = { time: Date.now(), level: 'warn' as const, msg: 'platform tokens not refreshed', fields: { reason: (error as Error).message } };
      hub.emit({ type: 'log', time: record.time, instanceId: 'runtime', service: 'runtime', source: 'ipc', record });
    }
  }, platformTokenRefreshMs);
  tokenRefresh.unref();
  return tokenRefresh;
}

/** Starts the manifest layer by layer (each layer's instances in parallel); the registry's URL is known after its layer. */
async function startLayers(run: TopologyRun): Promise<void> {
  const { options, startOne } = run;
  for (const layer of orderStartLayers(options.manifest)) {
    const starts = layer.flatMap((spec) => Array.from({ length: options.replicas[spec.name] ?? 1 }, (_, i) => startOne(spec, i + 1)));
    const infos = await Promise.all(starts);
    const registry = infos.find((info) => info.service === 'registry');
    if (registry) run.state.registryUrl = formatHttpUrl(registry.host, registry.port);
  }
}
