/**
 * Groups spans into traces and finds the requests among them: a request is a trace entered
 * through a gateway, its root the gateway's server span whose parent is not in the trace. The
 * halves of one request arrive in several messages, from several instances, in any order (the
 * gateway usually records its server span last, when the answer is done). Memory is bounded:
 * at most `maxRequests` requests, `maxPending` traces still waiting for their root, and
 * `maxSpansPerTrace` spans in each. Pure: no DOM.
 */
import type { Span } from '../protocol';

/** The spans of one trace received so far. */
export interface Trace {
  readonly traceId: string;
  /** The gateway's server span, once it arrived. */
  readonly root: Span | undefined;
  /** In arrival order, without repeats. */
  readonly spans: readonly Span[];
}

/** What the request list shows of one request. */
export interface RequestSummary {
  readonly traceId: string;
  readonly start: number;
  readonly method: string;
  /** `/profile/me`. */
  readonly path: string;
  readonly status: number | undefined;
  readonly durationMs: number;
  /** The gateway's error code, when it answered one. */
  readonly error: string | undefined;
  /** Gateway instance that took the request. */
  readonly instanceId: string;
}

/** Options of TraceStore. */
export interface TraceStoreOptions {
  /** Requests (traces with a gateway root) kept. @default 200 */
  readonly maxRequests?: number;
  /** Traces kept while their root has not arrived. @default 100 */
  readonly maxPending?: number;
  /** Spans kept per trace. @default 100 */
  readonly maxSpansPerTrace?: number;
}

/** What adding spans changed. */
export interface TraceChanges {
  /** Traces kept that got a span. */
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

/** Whether `span` is a gateway's server span whose parent is not among `spanIds`. */
export function isRequestRoot(span: Span, spanIds: ReadonlySet<string>): boolean {
  return span.kind === 'server' && span.service === 'gateway' && (span.parentSpanId === undefined || !spanIds.has(span.parentSpanId));
}

/** `GET /profile/me` split into method and path; a name without a space is all method. */
export function splitRequestName(name: string): { method: string; path: string } {
  const space = name.indexOf(' ');
  return space === -1 ? { method: name, path: '' } : { method: name.slice(0, space), path: name.slice(space + 1) };
}

/** The request list's row for a trace whose root is `root`. */
export function summarizeRequest(traceId: string, root: Span): RequestSummary {
  const { method, path } = splitRequestName(root.name);
  const error = root.attributes?.error;
  return { traceId, start: root.start, method, path, status: root.status, durationMs: root.durationMs, error: typeof error === 'string' ? error : undefined, instanceId: root.instanceId };
}

/** Deletes the first-inserted entries of `map` past `size`; answers the keys deleted. */
function trimOldest<V>(map: Map<string, V>, size: number): string[] {
  const deleted: string[] = [];
  for (const key of map.keys()) {
    if (map.size <= size) break;
    map.delete(key);
    deleted.push(key);
  }
  return deleted;
}

/** The spans of recent requests, grouped by trace. */
export class TraceStore {
  private readonly maxRequests: number;
  private readonly maxPending: number;
  private readonly maxSpansPerTrace: number;
  private readonly requests = new Map<string, MutableTrace>();
  private readonly pending = new Map<string, MutableTrace>();
  // Traces known not to be requests (a heartbeat's, a catalog poll's), or requests dropped: their late spans are ignored.
  private readonly ignored = new Set<string>();

  /** Creates an empty store. */
  constructor(options: TraceStoreOptions = {}) {
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

  /** Adds spans; answers which kept traces changed and which request roots are new. */
  add(spans: readonly Span[]): TraceChanges {
    const traceIds = new Set<string>();
    const roots: Span[] = [];
    for (const span of spans) {
      const kept = this.addOne(span);
      if (kept === undefined) continue;
      traceIds.add(span.traceId);
      if (kept.root === span) roots.push(span);
    }
    for (const traceId of trimOldest(this.requests, this.maxRequests)) {
      traceIds.delete(traceId);
      this.ignore(traceId);
    }
    return { traceIds, roots };
  }

  /** The trace of a kept request, or undefined when it is not (or no longer) kept. */
  get(traceId: string): Trace | undefined {
    const trace = this.requests.get(traceId);
    return trace && { traceId, root: trace.root, spans: [...trace.spans] };
  }

  /** The latest `limit` requests, newest first (by the root's start). */
  recentRequests(limit = 30): RequestSummary[] {
    const summaries: RequestSummary[] = [];
    for (const trace of this.requests.values()) if (trace.root) summaries.push(summarizeRequest(trace.traceId, trace.root));
    return summaries.sort((a, b) => b.start - a.start).slice(0, limit);
  }

  /** How many requests and pending traces are kept (for tests and bounds). */
  size(): { requests: number; pending: number } {
    return { requests: this.requests.size, pending: this.pending.size };
  }

  private ignore(traceId: string): void {
    this.pending.delete(traceId);
    this.ignored.add(traceId);
    trimOldestOfSet(this.ignored, Math.max(1000, (this.maxRequests + this.maxPending) * 4));
  }

  // Answers the trace the span joined, undefined when it was ignored or is still pending.
  private addOne(span: Span): MutableTrace | undefined {
    const request = this.requests.get(span.traceId);
    if (request) {
      this.push(request, span);
      return request;
    }
    if (this.ignored.has(span.traceId) && !(span.kind === 'server' && span.service === 'gateway')) return undefined;
    let trace = this.pending.get(span.traceId);
    if (!trace) trace = { traceId: span.traceId, root: undefined, spans: [], spanIds: new Set() };
    if (isRequestRoot(span, trace.spanIds)) {
      this.pending.delete(span.traceId);
      this.ignored.delete(span.traceId);
      trace.root = span;
      this.push(trace, span, true);
      this.requests.set(span.traceId, trace);
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

function trimOldestOfSet(set: Set<string>, size: number): void {
  for (const value of set) {
    if (set.size <= size) break;
    set.delete(value);
  }
}
