export { formatHops, formatLookupHop, hopsOf, identityNote, isLookupHop, isServiceTokenHop, type Hop } from './trace-model/index.js';
export * from './trace-collector.js';
