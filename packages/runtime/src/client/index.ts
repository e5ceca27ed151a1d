export * from './gateway-client.js';
export * from './http-request.js';
export * from './traceparent.js';
