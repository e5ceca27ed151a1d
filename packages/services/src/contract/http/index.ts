// The one HTTP kit of the services' servers and the runtime's control API: router, body reader, JSON and error answers.
export * from './body.js';
export * from './reply.js';
export * from './router.js';
