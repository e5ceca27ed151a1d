import { createGatewayClient, type GatewayClient } from '../client/gateway-client.js';
import type { Topology } from '../topology/topology.js';
import type { ScenarioContext, ScenarioGateway } from './dsl.js';
import { createExpectation } from './expect.js';
import { createScenarioControls } from './scenario-controls.js';
import { createScenarioGateway, waitForHops } from './scenario-gateway.js';
import { createScenarioPhone } from './scenario-phone.js';
import { createScenarioUsers } from './scenario-users.js';
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
}

/** A context and what the runner reads back from it. */
export interface ScenarioSession {
  readonly context: ScenarioContext;
  /** Steps, figures, notes and the first failure, as recorded. */
  readonly recorder: Pick<StepRecorder, 'steps' | 'figures' | 'notes' | 'failure' | 'abort' | 'current'>;
  /** Replaces every secret the session handled (passwords, codes, tokens) by ‹secret›. */
  redact(text: string): string;
  /** Closes the gateway clients' sockets. */
  close(): void;
}

/**
 * Implements `ScenarioContext` over a running topology: gateways whose requests are recorded
 * with their hops in the current step, users made through the real flows, the phone, the
 * topology's controls, waitFor, expect, measure, note and sleep.
 */
export function createScenarioContext(options: ScenarioContextOptions): ScenarioSession {
  const { topology, signal } = options;
  const secrets = createSecretRegistry();
  const recorder = createStepRecorder({ secrets, emit: (event) => options.onEvent?.(event) });
  const clients = new Map<string, { client: GatewayClient; gateway: ScenarioGateway }>();

  // One client per gateway URL, made on first use: a scaled-up gateway appears in ctx.gateways.
  const gatewayFor = (url: string): ScenarioGateway => {
    let entry = clients.get(url);
    if (!entry) {
      const client = createGatewayClient(url);
      const gateway = createScenarioGateway({ client, traces: topology.traces, recorder, secrets, ...(options.hopsTimeoutMs === undefined ? {} : { hopsTimeoutMs: options.hopsTimeoutMs }) });
      entry = { client, gateway };
      clients.set(url, entry);
    }
    return entry.gateway;
  };
  const withSignal = signal ? { signal } : {};
  const phone = createScenarioPhone({ topology, secrets, ...withSignal });
  const modes = topology.modes();

  const context: ScenarioContext = {
    step: (title, fn) => recorder.step(title, fn),
    get gateway() {
      return gatewayFor(topology.gatewayUrl);
    },
    get gateways() {
      return topology.gatewayUrls.map(gatewayFor);
    },
    users: createScenarioUsers({ gateway: () => gatewayFor(topology.gatewayUrl), phone, secrets }),
    phone: { messages: phone.messages, lastCode: phone.lastCode },
    topology: createScenarioControls({ topology, note: (text) => recorder.note(text) }),
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
      for (const { client } of clients.values()) client.close();
      clients.clear();
    },
  };
}
