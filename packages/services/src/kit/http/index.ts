export * from './body.js';
export * from './client.js';
export * from './health.js';
export * from './identity.js';
export * from './reply.js';
export * from './router.js';
export * from './server.js';
export * from './server-span.js';
