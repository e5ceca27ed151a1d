export * from './gateway-client.js';
export * from './http-request.js';
export * from './traceparent.js';
export * from './edge-resolver.js';
export * from './edge-client.js';
export * from './websocket-client.js';
export * from './resolver-lookup.js';
