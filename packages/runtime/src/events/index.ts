export * from './event-status.js';
export * from './read-events.js';
