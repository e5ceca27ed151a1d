import { createEdgeClient } from '../client/edge-client.js';
import { createEdgeResolver } from '../client/edge-resolver.js';
import { createResolverLookup } from '../client/resolver-lookup.js';
import { createGatewayClient, type GatewayClient } from '../client/gateway-client.js';
import type { Topology } from '../topology/topology.js';
import type { ScenarioContext, ScenarioGateway } from './dsl.js';
import { createExpectation } from './expect.js';
import type { ScenarioEvent } from './dsl.js';
import { createScenarioControls } from './scenario-controls.js';
import { createScenarioGateway, waitForHops } from './scenario-gateway.js';
import { createScenarioPhone } from './scenario-phone.js';
import { createScenarioUsers } from './scenario-users.js';
import { createScenarioSockets, type ScenarioSocketTransport } from './scenario-websocket.js';
import { createSecretRegistry } from './secrets.js';
import { createStepRecorder, type StepEvent, type StepRecorder } from './step-recorder.js';
import { sleepFor, waitUntil } from './wait-for.js';

/** Options of createScenarioContext. */
export interface ScenarioContextOptions {
  /** A running topology (the runner starts a fresh one per scenario run). */
  readonly topology: Topology;
  /** Receives step.start, step.end and measure as they happen. */
  readonly onEvent?: (event: StepEvent) => void;
  /** Aborted when the scenario is stopped (its timeout): sleeps and waits end at once. */
  readonly signal?: AbortSignal;
  /** How long a request's spans may take to arrive before its hops are recorded as seen. @default 1000 */
  readonly hopsTimeoutMs?: number;
  /** How `ctx.websocket` reaches a gateway besides its URL (a CA, a server name, the topology's DNS). @default plain, system resolver */
  readonly socketTransport?: ScenarioSocketTransport;
}

/** A context and what the runner reads back from it. */
export interface ScenarioSession {
  readonly context: ScenarioContext;
  /** Steps, figures, notes and the first failure, as recorded. */
  readonly recorder: Pick<StepRecorder, 'steps' | 'figures' | 'notes' | 'failure' | 'abort' | 'current'>;
  /** Replaces every secret the session handled (passwords, codes, tokens) by ‹secret›. */
  redact(text: string): string;
  /** Closes the gateway clients' sockets and the scenario's WebSockets. */
  close(): void;
}

/**
 * Implements `ScenarioContext` over a running topology: gateways whose requests are recorded
 * with their hops in the current step, WebSockets through them, users made through the real
 * flows, the phone, the topology's controls, waitFor, expect, measure, note and sleep.
 */
export function createScenarioContext(options: ScenarioContextOptions): ScenarioSession {
  const { topology, signal } = options;
  const secrets = createSecretRegistry();
  const recorder = createStepRecorder({ secrets, emit: (event) => options.onEvent?.(event) });
  const clients = new Map<string, { client: GatewayClient; gateway: ScenarioGateway }>();

  // One client per gateway URL, made on first use: a scaled-up gateway appears in ctx.gateways.
  // The edge's URL (`https://www.topolab.test:PORT`) resolves through dns#1; each gateway's own URL is dialled as is.
  const gatewayFor = (url: string): ScenarioGateway => {
    let entry = clients.get(url);
    if (!entry) {
      const edge = topology.edge;
      const client = url === edge.url ? createEdgeClient(edge) : createGatewayClient(url, edge.tls ? { ca: edge.tls.ca } : {});
      const gateway = createScenarioGateway({ client, traces: topology.traces, recorder, secrets, ...(options.hopsTimeoutMs === undefined ? {} : { hopsTimeoutMs: options.hopsTimeoutMs }) });
      entry = { client, gateway };
      clients.set(url, entry);
    }
    return entry.gateway;
  };
  const withSignal = signal ? { signal } : {};
  const phone = createScenarioPhone({ topology, secrets, ...withSignal });
  // By default a socket reaches the edge as ctx.gateway does: its CA, and dns#1 for its name.
  const edge = topology.edge;
  const transport: ScenarioSocketTransport = options.socketTransport ?? {
    ...(edge.tls ? { ca: edge.tls.ca } : {}),
    ...(edge.dns ? { lookup: createResolverLookup(createEdgeResolver({ host: edge.dns.host, port: edge.dns.port, zone: edge.dns.zone })) } : {}),
  };
  const sockets = createScenarioSockets({
    traces: topology.traces,
    recorder,
    secrets,
    transport,
    ...(options.hopsTimeoutMs === undefined ? {} : { hopsTimeoutMs: options.hopsTimeoutMs }),
  });
  const modes = topology.modes();
  // The instances' events during this run (bounded), for `ctx.topology.events(name)`.
  const seen: ScenarioEvent[] = [];
  const unsubscribe = topology.events.subscribe((event) => {
    if (event.type !== 'event') return;
    seen.push({ name: event.name, instanceId: event.instanceId, service: event.service, time: event.time, data: event.data });
    if (seen.length > 2000) seen.shift();
  });

  const context: ScenarioContext = {
    step: (title, fn) => recorder.step(title, fn),
    get gateway() {
      return gatewayFor(topology.edge.url);
    },
    get gateways() {
      return topology.gatewayUrls.map(gatewayFor);
    },
    websocket: (path, { gateway, ...socketOptions } = {}) => sockets.open((gateway ?? gatewayFor(topology.gatewayUrl)).url, path, socketOptions),
    get plainHttp() {
      const { redirectUrl } = topology.edge;
      return redirectUrl ? gatewayFor(redirectUrl) : undefined;
    },
    get edge() {
      return topology.edge;
    },
    users: createScenarioUsers({ gateway: () => gatewayFor(topology.edge.url), phone, secrets }),
    phone: { messages: phone.messages, lastCode: phone.lastCode, authenticator: phone.authenticator },
    // A service token a scenario holds is a secret like a code: never in a note or a failure.
    topology: createScenarioControls({
      topology: {
        fault: (action, id) => topology.fault(action, id),
        scale: (service, replicas) => topology.scale(service, replicas),
        setModes: (change) => topology.setModes(change),
        modes: () => topology.modes(),
        instances: () => topology.instances(),
        registryUrl: topology.registryUrl,
        dataDir: topology.dataDir,
        events: (name) => seen.filter((event) => event.name === name),
        async serviceToken(audience) {
          const token = await topology.serviceToken(audience);
          secrets.add(token);
          return token;
        },
        async assertIdentity(subject, ttlS) {
          const assertion = await topology.assertIdentity(subject, ttlS);
          secrets.add(assertion);
          return assertion;
        },
      },
      note: (text) => recorder.note(text),
    }),
    modes,
    backends: { cache: topology.options.backends.cache, bus: topology.options.backends.bus, lb: topology.options.backends.lb },
    waitFor: (condition, waitOptions = {}) => waitUntil(condition, { ...waitOptions, ...withSignal }),
    expect: createExpectation,
    hops: (response) => waitForHops(topology.traces, response.traceId, response.spanId, options.hopsTimeoutMs ?? 1000),
    measure: (name, value, unit) => recorder.measure(name, value, unit),
    note: (text) => recorder.note(text),
    sleep: (ms) => sleepFor(ms, signal),
  };

  return {
    context,
    recorder,
    redact: (text) => secrets.redact(text),
    close() {
      unsubscribe();
      for (const { client } of clients.values()) client.close();
      clients.clear();
      sockets.closeAll();
    },
  };
}
