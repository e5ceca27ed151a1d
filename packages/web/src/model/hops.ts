/**
 * Learns which instance called which from spans, to draw (and flash) the graph's edges. A hop
 * is a server span whose parent is a client span recorded by another instance; the two halves
 * arrive in different messages, in either order, so the tracker remembers the last few
 * thousand span ids and the server spans still waiting for their caller's half. A gateway's
 * server span with no known parent is a hop from the client. A client span marked `inferred`
 * (Redis records no server span) is a hop to its `peer`. Pure: no DOM.
 */
import type { Span } from '../protocol';

/** The id of the graph's client node, the caller of every gateway request. */
export const clientNodeId = 'client';

/** One call from an instance (or the client) to another instance. */
export interface Hop {
  /** Instance id of the caller, or `client`. */
  readonly from: string;
  /** Instance id of the callee. */
  readonly to: string;
  readonly traceId: string;
}

/** Options of HopTracker. */
export interface HopTrackerOptions {
  /** Span ids remembered. @default 4000 */
  readonly rememberSpans?: number;
  /** Server spans kept while their caller's span has not arrived. @default 1000 */
  readonly maxWaiting?: number;
}

interface KnownSpan {
  readonly kind: Span['kind'];
  readonly instanceId: string;
}

/** Whether `value` looks like an instance id (`redis#1`). */
function isInstanceId(value: unknown): value is string {
  return typeof value === 'string' && /^[\w.-]+#\d+$/.test(value);
}

/** The hops between instances, learned span by span. */
export class HopTracker {
  private readonly rememberSpans: number;
  private readonly maxWaiting: number;
  private readonly known = new Map<string, KnownSpan>();
  // Caller's span id → the server spans that answered it, waiting for it to arrive.
  private readonly waiting = new Map<string, Span[]>();

  /** Creates a tracker that knows no span. */
  constructor(options: HopTrackerOptions = {}) {
    this.rememberSpans = options.rememberSpans ?? 4000;
    this.maxWaiting = options.maxWaiting ?? 1000;
  }

  /** Forgets every span (a new `hello`). */
  clear(): void {
    this.known.clear();
    this.waiting.clear();
  }

  /** Adds spans; answers the hops they complete, in the order found. */
  add(spans: readonly Span[]): Hop[] {
    const hops: Hop[] = [];
    for (const span of spans) this.addOne(span, hops);
    return hops;
  }

  private remember(span: Span): void {
    this.known.delete(span.spanId);
    this.known.set(span.spanId, { kind: span.kind, instanceId: span.instanceId });
    for (const key of this.known.keys()) {
      if (this.known.size <= this.rememberSpans) break;
      this.known.delete(key);
    }
  }

  private addOne(span: Span, hops: Hop[]): void {
    if (this.known.has(span.spanId)) return;
    this.remember(span);
    if (span.kind === 'client') {
      for (const server of this.waiting.get(span.spanId) ?? []) {
        if (server.instanceId !== span.instanceId) hops.push({ from: span.instanceId, to: server.instanceId, traceId: span.traceId });
      }
      this.waiting.delete(span.spanId);
      const peer = span.attributes?.peer;
      if (span.attributes?.inferred === true && isInstanceId(peer) && peer !== span.instanceId) hops.push({ from: span.instanceId, to: peer, traceId: span.traceId });
      return;
    }
    if (span.kind !== 'server') return;
    const parentId = span.parentSpanId;
    const parent = parentId === undefined ? undefined : this.known.get(parentId);
    if (parent) {
      if (parent.kind === 'client' && parent.instanceId !== span.instanceId) hops.push({ from: parent.instanceId, to: span.instanceId, traceId: span.traceId });
      return;
    }
    if (span.service === 'gateway') {
      hops.push({ from: clientNodeId, to: span.instanceId, traceId: span.traceId });
      return;
    }
    if (parentId === undefined) return;
    const list = this.waiting.get(parentId);
    if (list) list.push(span);
    else this.waiting.set(parentId, [span]);
    for (const key of this.waiting.keys()) {
      if (this.waiting.size <= this.maxWaiting) break;
      this.waiting.delete(key);
    }
  }
}

/** `gateway#1->profile#2`: the key of the edge a hop travels. */
export function edgeKey(from: string, to: string): string {
  return `${from}->${to}`;
}
