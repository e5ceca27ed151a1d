/**
 * `@topolab/runtime/trace-model`: the one model of requests, shared by every view of them. Spans
 * → requests (RequestStore, bounded by request) → a hop tree (buildHopTree) or a hop path
 * (hopsOf, formatHops). The terminal dashboard, the web dashboard, the scenario narration and the
 * runtime all read it. Browser-safe: no `node:` module, nothing else of the runtime.
 */
export { buildHopTree, hopsBelow, outcomeOf, type HopNode, type HopOutcome } from './hop-tree.js';
export { formatHops, formatLookupHop, hopsOf, identityNote, isLookupHop, isServiceTokenHop, type FormatHopsOptions, type Hop, type SpanAttributes } from './hop-path.js';
export { RequestStore, type RequestChanges, type RequestStoreOptions, type RequestTrace } from './request-store.js';
export { isRequestRoot, splitRequestName, summarizeRequest, type RequestSummary } from './request-summary.js';
/** The span every view reads (a type only: nothing of the services reaches a browser). */
export type { Span } from '@topolab/services/contract';
