import type { Span } from '@topolab/services/contract';
import { isRequestRoot, summarizeRequest, type RequestSummary } from './request-summary.js';

/** The spans of one request that went through a gateway. */
export interface RequestTrace {
  readonly traceId: string;
  /** The gateway's server span: the request as the client saw it. */
  readonly root: Span;
  /** Every span of the trace kept so far, the root included, in arrival order, without repeats. */
  readonly spans: readonly Span[];
}

/** Options of RequestStore. */
export interface RequestStoreOptions {
  /** Requests (traces with a gateway root) kept; the oldest is dropped when another arrives. @default 200 */
  readonly maxRequests?: number;
  /** Traces kept while their root has not arrived (downstream spans come first). @default 100 */
  readonly maxPending?: number;
  /** Spans kept per trace (the root always joins). @default 100 */
  readonly maxSpansPerTrace?: number;
}

/** What adding spans changed. */
export interface RequestChanges {
  /** Kept requests that got a span (so there is something to redraw). */
  readonly traceIds: ReadonlySet<string>;
  /** Request roots seen for the first time. */
  readonly roots: readonly Span[];
}

interface MutableTrace {
  readonly traceId: string;
  root: Span | undefined;
  readonly spans: Span[];
  readonly spanIds: Set<string>;
}

// A map or set that forgets its first-inserted keys past `size` (both keep insertion order).
function trimOldest(keyed: Map<string, unknown> | Set<string>, size: number): void {
  for (const key of keyed.keys()) {
    if (keyed.size <= size) break;
    keyed.delete(key);
  }
}

/**
 * Groups spans into traces and keeps the recent requests among them, bounded by request: at most
 * `maxRequests` requests, `maxPending` traces still waiting for their root and `maxSpansPerTrace`
 * spans in each. The halves of one request arrive in several messages, from several instances, in
 * any order (the gateway records its server span last, when the answer is done): a trace is a
 * request once its gateway server span arrived, and spans arriving later join it. A trace rooted
 * anywhere else (a heartbeat, a catalog poll, the runtime calling a service directly) is dropped
 * as soon as a span without a parent shows that, and stays out, as does a dropped request.
 * Browser-safe: the terminal and the web dashboards both keep their requests here.
 */
export class RequestStore {
  private readonly maxRequests: number;
  private readonly maxPending: number;
  private readonly maxSpansPerTrace: number;
  private readonly requests = new Map<string, MutableTrace>();
  private readonly pending = new Map<string, MutableTrace>();
  // Traces known not to be requests, or requests dropped: their late spans are ignored.
  private readonly ignored = new Set<string>();

  /** Creates an empty store. */
  constructor(options: RequestStoreOptions = {}) {
    this.maxRequests = options.maxRequests ?? 200;
    this.maxPending = options.maxPending ?? 100;
    this.maxSpansPerTrace = options.maxSpansPerTrace ?? 100;
  }

  /** Forgets every trace (a new `hello`). */
  clear(): void {
    this.requests.clear();
    this.pending.clear();
    this.ignored.clear();
  }

  /** Adds finished spans; answers which kept requests changed and which request roots are new. */
  add(spans: readonly Span[]): RequestChanges {
    const traceIds = new Set<string>();
    const roots: Span[] = [];
    for (const span of spans) {
      const kept = this.addOne(span);
      if (kept === undefined) continue;
      traceIds.add(span.traceId);
      if (kept.root === span) roots.push(span);
    }
    for (const traceId of traceIds) if (!this.requests.has(traceId)) traceIds.delete(traceId);
    return { traceIds, roots };
  }

  /** The trace of a kept request, or undefined when it is not (or no longer) kept. */
  get(traceId: string): RequestTrace | undefined {
    const trace = this.requests.get(traceId);
    return trace?.root && { traceId, root: trace.root, spans: [...trace.spans] };
  }

  /** The kept requests, newest first (by the root's start), at most `limit`. */
  list(limit = Infinity): RequestTrace[] {
    const traces: RequestTrace[] = [];
    for (const { traceId, root, spans } of this.requests.values()) if (root) traces.push({ traceId, root, spans: [...spans] });
    return traces.sort((a, b) => b.root.start - a.root.start).slice(0, limit);
  }

  /** The latest `limit` requests' summaries, newest first (by the root's start). */
  recentRequests(limit = 30): RequestSummary[] {
    return this.list(limit).map((trace) => summarizeRequest(trace.traceId, trace.root));
  }

  /** How many requests and pending traces are kept (for tests and bounds). */
  size(): { requests: number; pending: number } {
    return { requests: this.requests.size, pending: this.pending.size };
  }

  private ignore(traceId: string): void {
    this.pending.delete(traceId);
    this.ignored.add(traceId);
    trimOldest(this.ignored, Math.max(1000, (this.maxRequests + this.maxPending) * 4));
  }

  // Answers the request the span joined, undefined when it was ignored or is still pending.
  private addOne(span: Span): MutableTrace | undefined {
    const request = this.requests.get(span.traceId);
    if (request) {
      this.push(request, span);
      return request;
    }
    if (this.ignored.has(span.traceId)) return undefined;
    const trace = this.pending.get(span.traceId) ?? { traceId: span.traceId, root: undefined, spans: [], spanIds: new Set<string>() };
    if (isRequestRoot(span, trace.spanIds)) {
      this.pending.delete(span.traceId);
      trace.root = span;
      this.push(trace, span, true);
      this.requests.set(span.traceId, trace);
      for (const key of this.requests.keys()) {
        if (this.requests.size <= this.maxRequests) break;
        this.requests.delete(key);
        this.ignore(key);
      }
      return trace;
    }
    if (span.parentSpanId === undefined) {
      // A root that is not a gateway's: this trace is not a request.
      this.ignore(span.traceId);
      return undefined;
    }
    if (!this.pending.has(span.traceId)) {
      this.pending.set(span.traceId, trace);
      trimOldest(this.pending, this.maxPending);
    }
    this.push(trace, span);
    return undefined;
  }

  // `force`: the root joins its trace even when the trace is full.
  private push(trace: MutableTrace, span: Span, force = false): void {
    if (trace.spanIds.has(span.spanId) || (!force && trace.spans.length >= this.maxSpansPerTrace)) return;
    trace.spanIds.add(span.spanId);
    trace.spans.push(span);
  }
}
