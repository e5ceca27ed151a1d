export * from './addresses.js';
export * from './data-dir.js';
export * from './instance-env.js';
export * from './instance-stats.js';
export * from './start-layers.js';
export * from './start-topology.js';
export * from './topology-events.js';
export * from './topology-options.js';
export { assertPortFree } from './port-check.js';
