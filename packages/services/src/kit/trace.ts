export * from '../contract/trace.js';
