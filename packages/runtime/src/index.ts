/**
 * @topolab/runtime: everything the CLI (and scenarios) need to run a topology, with no UI.
 *
 * - errors: `TopolabError` (code, message, hint, exitCode) and the runtime's code table.
 * - supervisor: spawns service instances as child processes and watches them.
 * - topology: `startTopology(options)` starts the whole topology and returns a `Topology`.
 * - telemetry: collects spans by trace; `hopsOf` / `formatHops` show a request's path.
 * - client: `createGatewayClient(url)`, which starts a fresh trace per request.
 * - control: the control API served by `topolab up` and its client for other terminals.
 * - scenarios: the DSL (`defineScenario`), the context, runner and loader of scenario files.
 * - bench: `runBench(settings)` measures throughput, revocation lag, failover and cold start.
 * - backends: the real parts (redis-server, nginx) a topology can run instead of embedded ones.
 */
export * from './errors/index.js';
export * from './supervisor/index.js';
export * from './topology/index.js';
export * from './telemetry/index.js';
export * from './client/index.js';
export * from './control/index.js';
export * from './export/index.js';
export * from './demo/demo-flow.js';
export * from './demo/demo-user.js';
export * from './demo/test-signatures.js';
export * from './phone/read-authenticator.js';
export * from './phone/read-phone.js';
export * from './events/event-status.js';
export * from './events/read-events.js';
export * from './scenarios/index.js';
export * from './bench/index.js';
export * from './backends/index.js';
/** Contract types the CLI needs, re-exported so the CLI depends on the runtime only. */
export type { ServiceName, TimingsPreset, Timings, Span, LogRecord } from '@topolab/services/contract';
export { defaultLimitSettings, type LimitSettings } from '@topolab/services/contract';
export { domainEventTypes, type DomainEvent, type DomainEventType, type AppliedEvent } from '@topolab/services/contract';
export { identityAssertionHeader, identityChallenge, type AssertionSubject } from '@topolab/services/contract';
export { chatCloseCodes, chatLimits, type ChatClientFrame, type ChatHistoryPage, type ChatMessage, type ChatRoom, type ChatServerFrame } from '@topolab/services/contract';
export { findProgram, busBackendNames, cacheBackendNames, defaultBackends, lbBackendNames, type BusBackendName, type CacheBackendName, type LbBackendName, type TopologyBackends } from '@topolab/services/contract';
