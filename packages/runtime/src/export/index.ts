export * from './compose.js';
export * from './dockerfile.js';
export * from './export-files.js';
export * from './export-plan.js';
export * from './kubernetes.js';
