import type { Span } from '@topolab/runtime';

/** The spans of one request that went through a gateway. */
export interface RequestTrace {
  readonly traceId: string;
  /** The gateway's server span: the request as the client saw it. */
  readonly root: Span;
  /** Every span of the trace received so far, the root included, in arrival order. */
  readonly spans: readonly Span[];
}

/** Options of createRequestTraces. */
export interface RequestTracesOptions {
  /** Requests kept; the oldest is dropped when another arrives. @default 50 */
  readonly capacity?: number;
  /** Traces kept while their root has not arrived (downstream spans come first). @default 500 */
  readonly pendingCapacity?: number;
  /** Spans kept per trace. @default 200 */
  readonly spansPerTrace?: number;
}

/** Groups spans by trace and keeps the recent gateway requests among them. */
export interface RequestTraces {
  /** Adds finished spans; answers whether a kept request got a span (so there is something to redraw). */
  add(spans: readonly Span[]): boolean;
  /** The kept requests, newest first (by the root's start). */
  list(): RequestTrace[];
}

/** Whether `span` is the root of a gateway request: the gateway's server span, its parent (if any) not in the trace. */
export function isRequestRoot(span: Span, others: readonly Span[]): boolean {
  return span.kind === 'server' && span.service === 'gateway' && !others.some((other) => other.spanId === span.parentSpanId);
}

// A set that forgets its oldest ids past `size` (Set keeps insertion order).
function addBounded(set: Set<string>, id: string, size: number): void {
  set.add(id);
  if (set.size > size) set.delete(set.values().next().value!);
}

/**
 * Creates the request store of the dashboard. A trace is shown once its gateway server span
 * arrived (the gateway records it when the answer is done, usually after the spans of the
 * instances it called); spans arriving later join it. A trace whose root is anything else — an
 * instance's heartbeat or catalog poll, the runtime calling a service directly — is dropped as
 * soon as a span without a parent shows that; traces still waiting for a root are bounded too.
 */
export function createRequestTraces(options: RequestTracesOptions = {}): RequestTraces {
  const capacity = options.capacity ?? 50;
  const pendingCapacity = options.pendingCapacity ?? 500;
  const spansPerTrace = options.spansPerTrace ?? 200;
  const shown = new Map<string, { root: Span; spans: Span[] }>();
  const pending = new Map<string, Span[]>();
  // Traces known not to be requests, or requests already dropped: their late spans are ignored.
  const ignored = new Set<string>();
  const ignoredSize = Math.max(1000, pendingCapacity * 2);

  const ignore = (traceId: string) => {
    pending.delete(traceId);
    addBounded(ignored, traceId, ignoredSize);
  };

  const show = (span: Span, spans: Span[]) => {
    pending.delete(span.traceId);
    shown.set(span.traceId, { root: span, spans });
    if (shown.size <= capacity) return;
    const oldest = shown.keys().next().value!;
    shown.delete(oldest);
    addBounded(ignored, oldest, ignoredSize);
  };

  const addOne = (span: Span): boolean => {
    if (ignored.has(span.traceId)) return false;
    const request = shown.get(span.traceId);
    if (request) {
      if (request.spans.length < spansPerTrace) request.spans.push(span);
      return true;
    }
    const waiting = pending.get(span.traceId) ?? [];
    if (isRequestRoot(span, waiting)) {
      show(span, [...waiting, span]);
      return true;
    }
    if (span.parentSpanId === undefined) {
      ignore(span.traceId);
      return false;
    }
    if (waiting.length === 0) {
      pending.set(span.traceId, waiting);
      if (pending.size > pendingCapacity) pending.delete(pending.keys().next().value!);
    }
    if (waiting.length < spansPerTrace) waiting.push(span);
    return false;
  };

  return {
    add(spans) {
      let changed = false;
      for (const span of spans) changed = addOne(span) || changed;
      return changed;
    },
    list: () =>
      [...shown.entries()]
        .map(([traceId, { root, spans }]) => ({ traceId, root, spans: [...spans] }))
        .sort((a, b) => b.root.start - a.root.start),
  };
}
