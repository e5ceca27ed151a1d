export * from './demo-flow.js';
export * from './demo-user.js';
export * from './test-signatures.js';
