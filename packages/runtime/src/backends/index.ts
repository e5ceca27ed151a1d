export * from './borrow-port.js';
export * from './nginx-program.js';
export * from './redis-program.js';
export * from './topology-backends.js';
export * from './span-listener.js';
export * from './redis-secrets.js';
export * from './redis-check.js';
