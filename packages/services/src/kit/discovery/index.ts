export * from './catalog-cache.js';
export * from './lease.js';
export * from './registry-target.js';
export * from './round-robin.js';
export * from './route-match.js';
export * from './service-caller.js';
export * from './sse.js';
