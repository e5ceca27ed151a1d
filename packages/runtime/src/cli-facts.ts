/**
 * `@topolab/runtime/cli-facts`: the light part of the runtime, for declaring commands and
 * printing errors without loading the supervisor, the clients or the bench (so `topolab --help`
 * starts in tens of milliseconds). Names, defaults, formatters and the error helpers; all of it
 * is exported by its area too (`@topolab/runtime/errors`, `/topology`, …). The CLI imports the
 * rest when a command runs; the request views and hop formatters are the trace model's,
 * `@topolab/runtime/trace-model`.
 */
export * from './errors/index.js';
export { authModeNames, discoveryModeNames, formatModes } from './topology/topology-modes.js';
export { benchAuthModes, defaultBenchSettings } from './bench/bench-settings.js';
export { benchBackends, benchLoadGenerators, benchSections } from './bench/bench-types.js';
export { benchTargets } from './bench/bench-targets.js';
export { minCpuUsPerRequest, orderCpuGroups, outsideGroups } from './bench/process-cpu.js';
export { describeScenarioModes, matrixModesOf } from './scenarios/scenario-modes.js';
export { busBackendNames, cacheBackendNames, defaultLimitSettings, domainEventTypes, lbBackendNames } from '@topolab/services/contract';
