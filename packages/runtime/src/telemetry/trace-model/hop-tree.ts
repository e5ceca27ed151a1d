import type { Span } from '@topolab/services/contract';
import type { SpanAttributes } from './hop-path.js';
import type { RequestTrace } from './request-store.js';

/** One hop of a request: an instance answering, or a call that got no answer. */
export interface HopNode {
  /**
   * `server`: an instance answered (for a call, the callee's span joined to the caller's).
   * `call`: a call no server span answered (yet): a failed attempt, or Redis (it records none).
   * `internal`: work inside the instance (a GraphQL batch).
   * `lookup`: the DNS answer the client used before the request.
   */
  readonly kind: 'server' | 'call' | 'internal' | 'lookup';
  /** `profile#2`; the address called when no instance id is known. */
  readonly instanceId: string;
  /** `GET /profile/me`. */
  readonly name: string;
  readonly status: number | undefined;
  /** As the caller measured it (the call's span), else the span's own. */
  readonly durationMs: number;
  readonly start: number;
  /** `timeout`, `refused`, `failed`, `aborted`, `too_large`: why the call got no answer. */
  readonly failure: string | undefined;
  /** A repeat of a sibling call that failed (the gateway's or a service caller's retry). */
  readonly retry: boolean;
  /** The call's attributes, then the server span's. */
  readonly attributes: SpanAttributes;
  /** Later hops this one caused, in start order. */
  readonly children: readonly HopNode[];
}

// Client span names say whom they call: `profile: GET /profile/me`.
const callName = (span: Span) => span.name.replace(/^[\w-]+: /, '');

function byStart(a: HopNode, b: HopNode): number {
  return a.start - b.start;
}

/** Marks each call that repeats the name of an earlier sibling call that failed. */
function markRetries(nodes: HopNode[]): HopNode[] {
  const failed = new Set<string>();
  return nodes.map((node) => {
    const retry = failed.has(node.name);
    if (node.failure !== undefined) failed.add(node.name);
    return retry ? { ...node, retry } : node;
  });
}

/**
 * The hop tree of a request, rooted at the gateway's server span. A client span and the server
 * span it reached are one hop (the caller's latency, the callee's status and name); a client
 * span with no server span is a call that failed (its `failure`) or reached an uninstrumented
 * peer. The DNS lookup of the request (dns#1's span beside the root) is its first child.
 */
export function buildHopTree(trace: RequestTrace): HopNode {
  const children = new Map<string, Span[]>();
  for (const span of trace.spans) {
    if (span.parentSpanId === undefined || span === trace.root) continue;
    const list = children.get(span.parentSpanId);
    if (list) list.push(span);
    else children.set(span.parentSpanId, [span]);
  }
  const seen = new Set<string>();
  const childrenOf = (spanIds: readonly string[]): HopNode[] =>
    markRetries(spanIds.flatMap((id) => children.get(id) ?? []).flatMap((span) => nodeOf(span)).sort(byStart));

  function nodeOf(span: Span): HopNode[] {
    // A span id seen twice (a resent batch) would otherwise draw a hop twice, or loop.
    if (seen.has(span.spanId)) return [];
    seen.add(span.spanId);
    const attributes = span.attributes ?? {};
    if (span.kind !== 'client') {
      return [{ kind: span.kind, instanceId: span.instanceId, name: span.name, status: span.status, durationMs: span.durationMs, start: span.start, failure: undefined, retry: false, attributes, children: childrenOf([span.spanId]) }];
    }
    const servers = (children.get(span.spanId) ?? []).filter((child) => child.kind === 'server' && !seen.has(child.spanId));
    const server = servers[0];
    const failure = typeof attributes.failure === 'string' ? attributes.failure : undefined;
    if (!server) {
      const instanceId = String(attributes.peer ?? attributes.target ?? span.service);
      return [{ kind: 'call', instanceId, name: callName(span), status: span.status, durationMs: span.durationMs, start: span.start, failure, retry: false, attributes, children: childrenOf([span.spanId]) }];
    }
    seen.add(server.spanId);
    return [{
      kind: 'server',
      instanceId: server.instanceId,
      name: server.name,
      status: span.status ?? server.status,
      durationMs: span.durationMs,
      start: span.start,
      failure,
      retry: false,
      attributes: { ...attributes, ...server.attributes },
      children: childrenOf([span.spanId, server.spanId]),
    }];
  }

  seen.add(trace.root.spanId);
  const lookups = trace.spans
    .filter((span) => span.service === 'dns' && span.kind === 'server' && span.parentSpanId !== undefined && span.parentSpanId === trace.root.parentSpanId)
    .map((span): HopNode => ({ kind: 'lookup', instanceId: span.instanceId, name: span.name, status: span.status, durationMs: span.durationMs, start: span.start, failure: undefined, retry: false, attributes: span.attributes ?? {}, children: [] }));
  const root = trace.root;
  return {
    kind: 'server',
    instanceId: root.instanceId,
    name: root.name,
    status: root.status,
    durationMs: root.durationMs,
    start: root.start,
    failure: undefined,
    retry: false,
    attributes: root.attributes ?? {},
    children: [...lookups, ...childrenOf([root.spanId])],
  };
}

/** Every hop below `node`, depth first. */
export function hopsBelow(node: HopNode): HopNode[] {
  return node.children.flatMap((child) => [child, ...hopsBelow(child)]);
}

/** What went wrong below the gateway in a request's hop tree. */
export interface HopOutcome {
  /** Calls below the gateway that got no answer (timed out, refused, …), in start order. */
  readonly failures: readonly HopNode[];
  /** Calls that repeated a failed one. */
  readonly retries: number;
}

/** The failed calls and the retries of a hop tree. */
export function outcomeOf(tree: HopNode): HopOutcome {
  const hops = hopsBelow(tree);
  return { failures: hops.filter((hop) => hop.failure !== undefined), retries: hops.filter((hop) => hop.retry).length };
}
