export * from './manifest.js';
export * from './timings.js';
export * from './env.js';
export * from './telemetry.js';
export * from './ipc.js';
export * from './registry-api.js';
export * from './errors.js';
export * from './trace.js';
