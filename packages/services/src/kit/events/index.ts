export * from './applied-events-route.js';
export * from './consumer-store.js';
export * from './event-consumer.js';
export * from './event-handlers.js';
export * from './event-log.js';
export * from './domain-events.js';
