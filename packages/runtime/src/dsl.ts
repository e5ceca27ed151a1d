/**
 * The scenario DSL: what `import … from 'topolab'` gives a scenario author (`topolab run`
 * resolves `topolab` here wherever the file lives), and all the built-in suite may import.
 * `defineScenario` and the context's types, plus the few facts a story asserts on and the
 * formatter its notes use. A scenario that needs more asks its context (`ctx.topology.request`,
 * `ctx.topology.domainEvents`), never a runtime internal.
 */
export { defineScenario, isScenario } from './scenarios/dsl.js';
export type {
  Expectation,
  InstanceRequest,
  InstanceResponse,
  RecordedRequest,
  Scenario,
  ScenarioContext,
  ScenarioControls,
  ScenarioDefinition,
  ScenarioEvent,
  ScenarioGateway,
  ScenarioInstance,
  ScenarioModes,
  ScenarioPhone,
  ScenarioTopology,
  ScenarioUser,
  ScenarioUsers,
  ScenarioWebSocket,
  ScenarioWebSocketOptions,
  WaitForOptions,
} from './scenarios/dsl.js';
export type { Figure } from './scenarios/run-types.js';
export type { WebSocketClose } from './client/websocket-client.js';
export type { GatewayRequest, GatewayResponse } from './client/gateway-client.js';
export type { ControlEvents } from './events/event-status.js';
export type { ReadEventsOptions } from './events/read-events.js';
export type { TopolabError } from './errors/topolab-error.js';

/** `gateway#1 (cache hit) → profile#2 @127.0.1.2 → 3.1 ms`: a request's hops in one line, for a note. */
export { formatHops, type Hop } from './telemetry/trace-model/hop-path.js';
/** Close codes and limits of the chat protocol, which chat stories assert on. */
export { chatCloseCodes, chatLimits, type ChatClientFrame, type ChatHistoryPage, type ChatServerFrame } from '@topolab/services/contract';
/** The EICAR and GTUBE test strings, assembled at run time: a mail story sends them to show a quarantine and a spam catch. */
export { eicarSignature, gtubeSignature } from '@topolab/services/contract';
export type { AppliedEvent, AuthModeName, DiscoveryModeName, DomainEvent, ServiceName, TopologyModes } from '@topolab/services/contract';
