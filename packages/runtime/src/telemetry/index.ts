export * from './hops.js';
export * from './trace-collector.js';
