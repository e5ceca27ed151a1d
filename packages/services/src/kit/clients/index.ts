export * from './bus-client.js';
export * from './cache-client.js';
