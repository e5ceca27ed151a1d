export * from './control-client.js';
export * from './control-file.js';
export * from './control-routes.js';
export * from './control-server.js';
export * from './event-routes.js';
export { createControlToken, isAuthorized } from './control-token.js';
export * from './fault-routes.js';
export * from './mode-routes.js';
