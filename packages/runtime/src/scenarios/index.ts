export * from './dsl.js';
export * from './context.js';
export * from './expect.js';
export * from './run-types.js';
export * from './run-scenario.js';
export * from './runner.js';
export * from './scenario-modes.js';
export { createSecretRegistry, redactedMark, type SecretRegistry } from './secrets.js';
export * from './loader.js';
