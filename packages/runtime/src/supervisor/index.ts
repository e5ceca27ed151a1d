export * from './child-process.js';
export * from './instance-log.js';
export * from './instance-state.js';
export * from './instance-info.js';
export * from './terminate-child.js';
export * from './supervisor.js';
export * from './supervisor-events.js';
export * from './process-alive.js';
