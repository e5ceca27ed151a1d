import type { Span } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';

/** Options of createTraceCollector. */
export interface TraceCollectorOptions {
  /** Spans kept; the oldest are dropped first. @default 5000 */
  readonly capacity?: number;
  /** Wait after the root span arrived, for spans of other instances still in flight. @default 20 */
  readonly settleMs?: number;
  /**
   * Longest wait after the root span for the server span of each call a span says was answered
   * (a client span with a status): every instance sends its spans on its own (IPC, syslog), so a
   * callee's can come well after the caller's root under load. @default 1000
   */
  readonly callGraceMs?: number;
}

/** Options of waitForTrace. */
export interface WaitForTraceOptions {
  /** @default 2000 */
  readonly timeoutMs?: number;
  /**
   * The span id the caller put in its `traceparent` (the gateway client returns it): the
   * server span with this parent is the root. Without it, the root is the gateway's server
   * span or a server span whose parent is not in the trace.
   */
  readonly parentSpanId?: string;
}

/** Recent spans of every instance, indexed by trace. */
export interface TraceCollector {
  /** Adds finished spans (the topology feeds every `spans` event here). */
  add(spans: readonly Span[]): void;
  /** The spans of a trace received so far, in arrival order. */
  spansOf(traceId: string): Span[];
  /**
   * Resolves with the spans of a trace once its root server span arrived plus a short settle, and
   * the server span of every answered call (or callGraceMs passed); TRACE_TIMEOUT when no root came.
   */
  waitForTrace(traceId: string, options?: WaitForTraceOptions): Promise<Span[]>;
  /** How many spans are kept now. */
  readonly size: number;
}

/** Whether a root server span is among `spans`. */
function hasRoot(spans: readonly Span[], parentSpanId: string | undefined): boolean {
  return spans.some((span) => {
    // A lookup at dns#1 shares the client's parent span but comes before the request: not its root.
    if (span.kind !== 'server' || span.service === 'dns') return false;
    if (span.parentSpanId === undefined || span.service === 'gateway') return true;
    if (parentSpanId !== undefined) return span.parentSpanId === parentSpanId;
    return !spans.some((other) => other.spanId === span.parentSpanId);
  });
}

/**
 * Whether a call in `spans` was answered but its callee's server span has not arrived: a client
 * span with a status, not inferred (redis records none of its own) and not failed, that no server
 * span names as its parent.
 */
function awaitsCallee(spans: readonly Span[]): boolean {
  const parents = new Set(spans.filter((span) => span.kind === 'server').map((span) => span.parentSpanId));
  return spans.some((span) => span.kind === 'client' && span.status !== undefined && span.attributes?.inferred !== true && span.attributes?.failure === undefined && !parents.has(span.spanId));
}

/** Creates a bounded trace collector. */
export function createTraceCollector(options: TraceCollectorOptions = {}): TraceCollector {
  const capacity = options.capacity ?? 5000;
  const settleMs = options.settleMs ?? 20;
  const callGraceMs = options.callGraceMs ?? 1000;
  // A ring of spans in arrival order; each trace's array is in the same order, so eviction shifts it.
  const ring: (Span | undefined)[] = new Array<Span | undefined>(capacity);
  let head = 0;
  let size = 0;
  const byTrace = new Map<string, Span[]>();
  const waiters = new Map<string, Set<() => void>>();

  const evictOldest = () => {
    const oldest = ring[head];
    ring[head] = undefined;
    head = (head + 1) % capacity;
    size -= 1;
    if (!oldest) return;
    const trace = byTrace.get(oldest.traceId);
    trace?.shift();
    if (trace?.length === 0) byTrace.delete(oldest.traceId);
  };

  return {
    add(spans) {
      const touched = new Set<string>();
      for (const span of spans) {
        if (size === capacity) evictOldest();
        ring[(head + size) % capacity] = span;
        size += 1;
        const trace = byTrace.get(span.traceId);
        if (trace) trace.push(span);
        else byTrace.set(span.traceId, [span]);
        touched.add(span.traceId);
      }
      for (const traceId of touched) for (const wake of waiters.get(traceId) ?? []) wake();
    },
    spansOf: (traceId) => [...(byTrace.get(traceId) ?? [])],
    get size() {
      return size;
    },
    waitForTrace(traceId, waitOptions = {}) {
      const timeoutMs = waitOptions.timeoutMs ?? 2000;
      const current = () => byTrace.get(traceId) ?? [];
      return new Promise<Span[]>((resolve, reject) => {
        let settleTimer: NodeJS.Timeout | undefined;
        let graceTimer: NodeJS.Timeout | undefined;
        let graceOver = false;
        const rooted = () => hasRoot(current(), waitOptions.parentSpanId);
        const done = () => {
          clearTimeout(timeoutTimer);
          clearTimeout(settleTimer);
          clearTimeout(graceTimer);
          waiters.get(traceId)?.delete(check);
          if (waiters.get(traceId)?.size === 0) waiters.delete(traceId);
        };
        const finish = () => {
          done();
          resolve([...current()]);
        };
        const check = () => {
          if (settleTimer || !rooted()) return;
          graceTimer ??= setTimeout(() => {
            graceOver = true;
            if (!settleTimer && rooted()) finish();
          }, callGraceMs);
          settleTimer = setTimeout(() => {
            settleTimer = undefined;
            // A downstream span can look like a root until its parent arrives: check again.
            if (!rooted()) return;
            // A callee's span still on its way: the next span that arrives checks again, or the grace ends it.
            if (!graceOver && awaitsCallee(current())) return;
            finish();
          }, settleMs);
        };
        const timeoutTimer = setTimeout(() => {
          // The root is there, only a callee's span is missing: what arrived is the answer.
          if (rooted()) return finish();
          done();
          reject(runtimeError('TRACE_TIMEOUT', {
            message: `The root span of trace ${traceId} did not arrive within ${timeoutMs} ms (${current().length} spans so far).`,
            details: { traceId, spans: current().length },
          }));
        }, timeoutMs);
        const set = waiters.get(traceId) ?? new Set();
        set.add(check);
        waiters.set(traceId, set);
        check();
      });
    },
  };
}
