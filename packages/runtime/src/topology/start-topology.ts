import { performance } from 'node:perf_hooks';
import type { ServiceSpec } from '@topolab/services/contract';
import { createSpanId, holdsLease, type ServiceName } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';
import { isLiveState } from '../supervisor/instance-state.js';
import type { InstanceInfo } from '../supervisor/instance-info.js';
import { createSupervisor } from '../supervisor/supervisor.js';
import type { SupervisorEvent } from '../supervisor/supervisor-events.js';
import { createTraceCollector } from '../telemetry/trace-collector.js';
import { edgeNames } from '@topolab/services/contract';
import { ensureTlsMaterial, type TlsMaterial } from '../edge/tls-material.js';
import { formatHttpUrl } from './addresses.js';
import { createEdgePlan, type EdgePlan } from './edge-plan.js';
import { waitForEdgeRecords } from './edge-records.js';
import { startCatalogPoller, type CatalogPoller } from './catalog-poller.js';
import { prepareDataDir } from './data-dir.js';
import { prepareTopologySecrets } from './topology-secrets.js';
import { createControlTokens } from './control-tokens.js';
import { createFaultInjector } from './faults.js';
import { switchGatewayModes } from './gateway-modes.js';
import { createInstanceStarter } from './instance-starter.js';
import { createInstanceStats } from './instance-stats.js';
import { createProgramPlan } from './program-instances.js';
import { preflightTopology } from './preflight.js';
import { scaleService } from './scale.js';
import { createSerialQueue } from './serial-queue.js';
import { orderStartLayers } from './start-layers.js';
import type { InstanceView, Topology, TopologyEdge } from './topology.js';
import { createTopologyEventHub, type TopologyEvent } from './topology-events.js';
import { allowsNoAuth, validateModes, type TopologyModes } from './topology-modes.js';
import { normalizeTopologyOptions, type TopologyOptions } from './topology-options.js';

export type { InstanceView, Topology, TopologyEdge } from './topology.js';

/** How often the runtime rewrites every instance's platform tokens (they live 300 s; instances read theirs again 60 s before expiry). */
const platformTokenRefreshMs = 120_000;

/** What users and clients need to reach the gateways: the URL by name, the CA to trust, the DNS server that resolves the name. */
function describeEdge(edge: EdgePlan, gatewayUrl: string, dns: InstanceInfo | undefined): TopologyEdge {
  const dnsEndpoint = dns && isLiveState(dns.state) ? dns.endpoints.dns : undefined;
  const scheme = edge.tls ? 'https' : 'http';
  const port = edge.port();
  const redirectPort = edge.redirectPort();
  const gateway = gatewayUrl ? new URL(gatewayUrl) : undefined;
  return {
    url: dnsEndpoint && edge.sharesPorts && port !== undefined ? `${scheme}://${edgeNames.www}:${port}` : gatewayUrl,
    gatewayUrl,
    ...(edge.tls && gateway && redirectPort !== undefined ? { redirectUrl: `http://${gateway.hostname}:${redirectPort}` } : {}),
    ...(edge.tls ? { tls: { caFile: edge.tls.caFile, ca: edge.tls.ca, certFile: edge.tls.certFile, notAfter: edge.tls.notAfter.toISOString(), caFingerprint: edge.tls.caFingerprint, reused: edge.tls.reused } } : {}),
    ...(dnsEndpoint ? { dns: { host: dnsEndpoint.host, port: dnsEndpoint.port, zone: edgeNames.zone, name: edgeNames.www } } : {}),
  };
}

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
  const { manifest } = options;
  const gatewaySpec = manifest.find((spec) => spec.listener === 'edge');
  let issueTls: (material: Promise<TlsMaterial>) => void = () => undefined;
  const edge = createEdgePlan({
    gatewaySpec: gatewaySpec ?? { name: 'gateway', addressOctet: 2 },
    gatewayHost: options.gatewayHost,
    httpPort: options.gatewayPort,
    httpsPort: options.httpsPort,
    // Issued (or read back) once the checks passed, while the first services start; the gateways wait for it.
    tls: options.tls && gatewaySpec ? new Promise<TlsMaterial>((resolve) => (issueTls = resolve)) : undefined,
  });
  await preflightTopology(options, edge);
  prepareDataDir(options.dataDir, { fresh: options.fresh });
  const secrets = prepareTopologySecrets(options.dataDir);
  issueTls(ensureTlsMaterial(options.dataDir));

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
  // Per topology run: a restarted instance gets the same credentials, another run other ones.
  const { clientKey } = secrets;
  const startOne = createInstanceStarter({ options, supervisor, registryUrl: () => registryUrl, modes: () => modes, programs, edge, secrets });
  // The platform tokens last 5 minutes; each instance reads its file again a minute before expiry.
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

  try {
    for (const layer of orderStartLayers(manifest)) {
      const starts = layer.flatMap((spec) => Array.from({ length: options.replicas[spec.name] ?? 1 }, (_, i) => startOne(spec, i + 1)));
      const infos = await Promise.all(starts);
      const registry = infos.find((info) => info.service === 'registry');
      if (registry) registryUrl = formatHttpUrl(registry.host, registry.port);
    }
  } catch (error) {
    clearInterval(tokenRefresh);
    await supervisor.stopAll({ graceMs: options.graceMs });
    await programs.close();
    throw error;
  }

  const gateway = supervisor.get('gateway#1');
  const gatewayUrl = gateway ? edge.urlOf(gateway) : '';
  const poller: CatalogPoller | undefined = registryUrl
    ? // At least once per heartbeat (250 ms compressed): the dashboards show heartbeat ages and lease countdowns.
      startCatalogPoller({ registryUrl, markerSpanId: pollMarker, intervalMs: Math.min(500, options.timings.heartbeatMs), onCatalog: (catalog) => stats.recordCatalog(catalog) })
    : undefined;
  let readyMs = 0;

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
  const controlTokens = createControlTokens({ clientKey, instances: () => supervisor.list() });

  const topology: Topology = {
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
      return readyMs;
    },
    options,
    instances: () => supervisor.list().map(toView),
    events: hub,
    traces,
    supervisor,
    modes: () => modes,
    async serviceToken(audience) {
      const token = await controlTokens.token(audience);
      if (token === undefined) throw runtimeError('CONTROL_INVALID_REQUEST', { message: `The runtime is granted no scope of ${audience}.` });
      return token;
    },
    assertIdentity: (subject, ttlS) => secrets.assertIdentity(subject, ttlS),
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
        clearInterval(tokenRefresh);
        poller?.stop();
        await supervisor.stopAll({ graceMs: options.graceMs });
        await programs.close();
        hub.emit({ type: 'topology.stopped', time: Date.now() });
      })();
      return stopping;
    },
  };
  // "Ready" only once everything a client needs exists: the instances, DNS answering, and what the caller adds (control.json).
  try {
    await waitForEdgeRecords(topology.edge, supervisor.list().filter((info) => info.service === 'gateway'), options.startTimeoutMs);
    await topologyOptions.beforeReady?.(topology);
  } catch (error) {
    await topology.stop();
    throw error;
  }
  readyMs = performance.now() - started;
  hub.emit({ type: 'topology.ready', time: Date.now(), readyMs, gatewayUrl, registryUrl });
  return topology;
}
