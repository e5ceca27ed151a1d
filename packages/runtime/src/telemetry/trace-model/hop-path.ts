import type { Span } from '@topolab/services/contract';

/** Attributes of a span, never undefined. */
export type SpanAttributes = Readonly<Record<string, string | number | boolean>>;

/** One server hop of a request: which instance answered, how long it took. */
export interface Hop {
  readonly service: string;
  readonly instanceId: string;
  /** `127.0.5.2:41234`. */
  readonly address: string;
  /** `GET /profile/:id`. */
  readonly name: string;
  readonly durationMs: number;
  readonly status: number | undefined;
  readonly attributes: SpanAttributes;
}

/** Depth of a span in its trace (0 for a span whose parent is not in the trace). */
function depthOf(span: Span, byId: ReadonlyMap<string, Span>): number {
  let depth = 0;
  let parent = span.parentSpanId === undefined ? undefined : byId.get(span.parentSpanId);
  while (parent && depth < 64) {
    depth += 1;
    parent = parent.parentSpanId === undefined ? undefined : byId.get(parent.parentSpanId);
  }
  return depth;
}

/**
 * Whether a span is a hop: a server span, or a client span to a peer that records no spans of
 * its own (Redis), marked `inferred` with the peer's id, service and address — the way tracing
 * UIs infer an uninstrumented service.
 */
function isHop(span: Span): boolean {
  return span.kind === 'server' || (span.kind === 'client' && span.attributes?.inferred === true && typeof span.attributes.peer === 'string');
}

function toHop(span: Span): Hop {
  if (span.kind === 'server') {
    return { service: span.service, instanceId: span.instanceId, address: span.address, name: span.name, durationMs: span.durationMs, status: span.status, attributes: span.attributes ?? {} };
  }
  const attributes = span.attributes ?? {};
  return { service: String(attributes.peerService ?? attributes.peer), instanceId: String(attributes.peer), address: String(attributes.target ?? ''), name: span.name, durationMs: span.durationMs, status: span.status, attributes };
}

/** The hops of a trace (server spans and inferred peers), in start order (a caller before its callee when they start in the same millisecond). */
export function hopsOf(spans: readonly Span[]): Hop[] {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  return spans
    .filter(isHop)
    .map((span) => ({ span, depth: depthOf(span, byId) }))
    .sort((a, b) => a.span.start - b.span.start || a.depth - b.depth)
    .map(({ span }) => toHop(span));
}

/** The host part of `127.0.3.1:4312` (or of `[::1]:4312`). */
function hostOf(address: string): string {
  const colon = address.lastIndexOf(':');
  const host = colon === -1 ? address : address.slice(0, colon);
  return host.replace(/^\[(.*)\]$/, '$1');
}

/** Whether a hop is the DNS lookup that came before the request (dns#1's span, joined through the resolver's EDNS option). */
export function isLookupHop(hop: Pick<Hop, 'service'>): boolean {
  return hop.service === 'dns';
}

/** `dns#1 (www.topolab.test → 127.0.0.1, 127.0.2.2)`: what a lookup hop answered. */
export function formatLookupHop(hop: Pick<Hop, 'instanceId' | 'name' | 'attributes'>): string {
  const name = hop.name.replace(/^DNS \S+ /, '');
  const answers = typeof hop.attributes.answers === 'string' ? hop.attributes.answers.split(',').join(', ') : String(hop.attributes.rcode ?? 'no answer');
  return `${hop.instanceId} (${name} → ${answers})`;
}

/** Whether a hop is an instance fetching its service token (the client-credentials grant at auth). */
export function isServiceTokenHop(hop: Pick<Hop, 'name'>): boolean {
  return hop.name === 'POST /auth/oauth/token';
}

/** ` (identity verified)` on a hop whose service checked the gateway's identity assertion, ` (identity refused)` where it refused one or found none; '' otherwise. */
export function identityNote(hop: Pick<Hop, 'attributes'>): string {
  const identity = hop.attributes.identity;
  return identity === 'verified' || identity === 'refused' ? ` (identity ${identity})` : '';
}

/** Options of formatHops. */
export interface FormatHopsOptions {
  /** End the line with the request's duration (the first server hop's). @default true */
  readonly duration?: boolean;
  /** Note where a hop used its token cache, `gateway#1 (cache hit)` (the narration does, the demo does not). @default false */
  readonly cache?: boolean;
}

/**
 * `auth#1 @127.0.3.1`: the first hop without its address, `(cache hit)` where a hop used its
 * token cache (when asked), `(service token for mail#1)` on a token request, `(identity
 * verified)` where a service checked the user's identity.
 */
function formatHop(hop: Hop, first: boolean, options: FormatHopsOptions): string {
  const cache = options.cache === true && typeof hop.attributes.cache === 'string' ? ` (cache ${hop.attributes.cache})` : '';
  const where = `${hop.instanceId}${cache}${first || hop.address === '' ? '' : ` @${hostOf(hop.address)}`}`;
  if (!isServiceTokenHop(hop)) return `${where}${identityNote(hop)}`;
  // auth names the client once it is authenticated, and the error when it refused the request anyway (a scope not granted).
  return typeof hop.attributes.client === 'string' && hop.attributes.error === undefined ? `${where} (service token for ${hop.attributes.client})` : `${where} (service token refused)`;
}

/**
 * The one hop-path formatter (demo, narration, scenarios): `dns#1 (www.topolab.test → 127.0.0.1)
 * → gateway#1 → auth#1 @127.0.3.1  12.3 ms`; the duration is the first server hop's, the whole
 * request's. `(no hops)` for none.
 */
export function formatHops(hops: readonly Hop[], options: FormatHopsOptions = {}): string {
  if (hops.length === 0) return '(no hops)';
  const path = hops
    .map((hop, i) => (isLookupHop(hop) ? formatLookupHop(hop) : formatHop(hop, i === 0, options)))
    .join(' → ');
  if (options.duration === false) return path;
  const first = hops.find((hop) => !isLookupHop(hop)) ?? hops[0]!;
  return `${path}  ${first.durationMs.toFixed(1)} ms`;
}
