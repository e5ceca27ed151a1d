export * from './bus-client.js';
export * from './cache-client.js';
export * from './backend-clients.js';
