/**
 * @topolab/runtime: the front door. What it takes to start a topology, drive it, run scenarios,
 * bench and export it, with no UI. Each name below is the one way to do its thing; everything
 * else lives in an area and is imported from it:
 *
 * `@topolab/runtime/<area>`: `supervisor`, `topology`, `telemetry`, `client`, `control`,
 * `scenarios`, `bench`, `export`, `backends`, `errors`, `events`, `phone`, `demo`;
 * `@topolab/runtime/dsl` is the scenario DSL (what `topolab` resolves to), and
 * `@topolab/runtime/cli-facts` the light facts the CLI declares its options from.
 */

// errors
/** The one error class of topolab: a stable `AREA_REASON` code, a one-line message, a hint and an exit code. */
export { TopolabError } from './errors/topolab-error.js';
/** Whether a value is a TopolabError (also one from another copy of the module). */
export { isTopolabError } from './errors/topolab-error.js';
/** The TopolabError of a runtime code, with the table's status, exit code and hint. */
export { runtimeError } from './errors/error-codes.js';
/** Anything thrown as a TopolabError (unknown errors become `INTERNAL`). */
export { toTopolabError } from './errors/error-codes.js';
export type { ExitCode, TopolabErrorOptions } from './errors/topolab-error.js';
export type { RuntimeErrorCode } from './errors/error-codes.js';

// topology
/** Starts the whole topology after its preflight checks; resolves once every instance is ready. */
export { startTopology } from './topology/start-topology.js';
/** Fills a topology's defaults and validates them once. */
export { normalizeTopologyOptions } from './topology/topology-options.js';
/** `discovery client · auth remote`: modes on one line. */
export { formatModes } from './topology/topology-modes.js';
export type { Topology, TopologyEdge } from './topology/topology.js';
export type { TopologyOptions, NormalizedTopologyOptions } from './topology/topology-options.js';
export type { TopologyEvent, TopologyEventListener } from './topology/topology-events.js';
export type { FaultAction } from './topology/faults.js';

// supervisor
/** A supervisor of service instances as child processes; nothing spawns until `startInstance`. */
export { createSupervisor } from './supervisor/supervisor.js';
/** Whether the process of an instance in this state may still exist. */
export { isLiveState } from './supervisor/instance-state.js';
/** Whether a process with this pid still runs. */
export { isProcessAlive } from './supervisor/process-alive.js';
export type { InstanceInfo } from './supervisor/instance-info.js';
export type { InstanceState } from './supervisor/instance-state.js';

// telemetry
/** A bounded collector of spans by trace. */
export { createTraceCollector } from './telemetry/trace-collector.js';
/** The hops of a trace (server spans and inferred peers), in start order. */
export { hopsOf } from './telemetry/trace-model/hop-path.js';
/** Hops on one line: `gateway#1 (cache hit) → profile#2 @127.0.1.2 → 3.1 ms`. */
export { formatHops } from './telemetry/trace-model/hop-path.js';
export type { Hop } from './telemetry/trace-model/hop-path.js';

// clients
/** A gateway client that starts a fresh trace per request. */
export { createGatewayClient } from './client/gateway-client.js';
/** A gateway client for a topology's edge, set up as its users would be (DNS name, CA). */
export { createEdgeClient } from './client/edge-client.js';
/** Opens a WebSocket and resolves once the handshake switched protocols. */
export { connectWebSocket } from './client/websocket-client.js';
/** One plain HTTP request (node:http or node:https); network failures reject with HttpRequestFailure. */
export { sendHttpRequest } from './client/http-request.js';
export type { GatewayClient, GatewayRequest, GatewayResponse } from './client/gateway-client.js';
export type { HttpRequestOptions, HttpResponse } from './client/http-request.js';

// control API
/** Serves the control API of a running topology on loopback, behind a bearer token. */
export { startControlServer } from './control/control-server.js';
/** A client of the control API of the topology in a data dir (for other terminals). */
export { createControlClient } from './control/control-client.js';
export type { ControlClient } from './control/control-client.js';
export type { ControlServer } from './control/control-server.js';

// scenarios
/** Declares a scenario (the default export of a `<name>.scenario.ts` file). */
export { defineScenario } from './scenarios/dsl.js';
/** Whether a module's default export is a scenario made by defineScenario. */
export { isScenario } from './scenarios/dsl.js';
/** The scenarios that selectors name: built-in names, or paths to scenario files. */
export { loadScenarios } from './scenarios/loader.js';
/** Every compiled scenario of the built-in suite, by name. */
export { listBuiltInScenarios } from './scenarios/loader.js';
/** Runs scenarios, each scenario × modes combination on a topology of its shape. */
export { runScenarios } from './scenarios/runner.js';
export type { Scenario, ScenarioContext, ScenarioDefinition } from './scenarios/dsl.js';
export type { RunEvent, RunResult, ScenarioRunResult } from './scenarios/run-types.js';
export type { RunScenariosOptions } from './scenarios/runner.js';

// bench
/** Runs the bench's sections one after the other, each on topologies of its own. */
export { runBench } from './bench/run-bench.js';
/** The defaults of every bench setting. */
export { defaultBenchSettings } from './bench/bench-settings.js';
/** Fills the bench's defaults and validates every setting once. */
export { normalizeBenchSettings } from './bench/bench-settings.js';
/** The order the bench's rows run in: every row once per round, interleaved. */
export { planRounds } from './bench/bench-plan.js';
/** Checks the bench's targets against its own figures. */
export { checkTargets } from './bench/bench-targets.js';
/** The caveats of a bench run (a shared machine, what `none` is, missing rows). */
export { describeCaveats } from './bench/run-bench.js';
/** Summarises every bench row: its samples, the median over rounds and its ratio to the baseline. */
export { summarizeRows } from './bench/bench-stats.js';
export type { BenchReport, BenchSettings } from './bench/index.js';

// export
/** Turns a normalized topology into containers, as `topolab up` would run it. */
export { planExport } from './export/export-plan.js';
/** The Compose file of an export plan. */
export { renderCompose } from './export/compose.js';
/** The Kubernetes objects of an export plan, as one multi-document YAML. */
export { renderKubernetes } from './export/kubernetes.js';
/** The multi-stage Dockerfile an export builds its image from. */
export { renderDockerfile } from './export/dockerfile.js';
/** Writes an export's files under a directory; resolves with the paths written. */
export { writeExportFiles } from './export/export-files.js';
/** How many secrets an export plan hands over. */
export { countExportSecrets } from './export/export-plan.js';

// demo, phone, events
/** The narrated flow of `topolab demo`: register, verify, log in with 2FA, read the profile. */
export { runDemoFlow } from './demo/demo-flow.js';
/** What the SMS service sent (the simulated phone), newest first. */
export { readPhone } from './phone/read-phone.js';
/** The current authenticator (TOTP) code of a user. */
export { readAuthenticator } from './phone/read-authenticator.js';
/** Auth's domain-event log and where each consumer stands with it (`topolab events`). */
export { readEvents } from './events/read-events.js';

// backends
/** Checks up front that the programs the chosen backends need are installed. */
export { assertBackendsAvailable } from './backends/topology-backends.js';
/** Checks an external Redis before anything starts: reachable, and the credentials work. */
export { assertRedisReachable } from './backends/redis-check.js';

/** Contract facts the CLI needs, re-exported so the CLI depends on the runtime only. */
export type { AuthModeName, DiscoveryModeName, LimitSettings, LogRecord, ServiceName, Span, Timings, TimingsPreset, TopologyBackends, TopologyModes } from '@topolab/services/contract';
/** The discovery modes: `client`, `server`. */
export { discoveryModeNames } from '@topolab/services/contract';
/** The auth modes: `remote`, `local`, `global`, `sidecar`. */
export { authModeNames } from '@topolab/services/contract';
/** The bus backends: the embedded bus or Redis. */
export { busBackendNames } from '@topolab/services/contract';
/** The global cache's backends: embedded or Redis. */
export { cacheBackendNames } from '@topolab/services/contract';
/** The server-side load balancer's backends: the embedded lb or nginx. */
export { lbBackendNames } from '@topolab/services/contract';
/** Every part embedded: the backends a topology runs by default. */
export { defaultBackends } from '@topolab/services/contract';
/** The absolute path of an executable on PATH or in the usual sbin folders, if any. */
export { findProgram } from '@topolab/services/contract';
/** The gateways' rate limiter and blacklist defaults. */
export { defaultLimitSettings } from '@topolab/services/contract';
/** The types of the domain events auth logs (`user.deleted`, …), by name. */
export { domainEventTypes, type DomainEvent, type DomainEventType, type AppliedEvent } from '@topolab/services/contract';
