export * from './cache-health.js';
export * from './introspection.js';
export * from './revocation-feed.js';
export * from './settings.js';
export * from './token-facts.js';
export * from './token-states.js';
export * from './token-verdicts.js';
