export * from './forward.js';
export * from './hop-by-hop.js';
export * from './settings.js';
export * from './upstream.js';
export * from './upstream-proxy.js';
export * from './upgrade-proxy.js';
