import type { Span } from '@topolab/services/contract';

/**
 * Whether `span` is the root of a request: a gateway's server span whose parent is not among
 * `spanIds` (the client's own span, outside the trace, or none).
 */
export function isRequestRoot(span: Span, spanIds: ReadonlySet<string>): boolean {
  return span.kind === 'server' && span.service === 'gateway' && (span.parentSpanId === undefined || !spanIds.has(span.parentSpanId));
}

/** What a request list shows of one request. */
export interface RequestSummary {
  readonly traceId: string;
  readonly start: number;
  readonly method: string;
  /** `/profile/me`. */
  readonly path: string;
  /** Undefined when the client went away before an answer. */
  readonly status: number | undefined;
  readonly durationMs: number;
  /** The gateway's error code, when it answered one. */
  readonly error: string | undefined;
  /** Gateway instance that took the request. */
  readonly instanceId: string;
}

/** `GET /profile/me` split into method and path; a name without a space is all method. */
export function splitRequestName(name: string): { method: string; path: string } {
  const space = name.indexOf(' ');
  return space === -1 ? { method: name, path: '' } : { method: name.slice(0, space), path: name.slice(space + 1) };
}

/** The summary of a request from its root: the gateway's server span, or the root of its hop tree. */
export function summarizeRequest(traceId: string, root: Pick<Span, 'name' | 'start' | 'status' | 'durationMs' | 'attributes' | 'instanceId'>): RequestSummary {
  const { method, path } = splitRequestName(root.name);
  const error = root.attributes?.error;
  return { traceId, start: root.start, method, path, status: root.status, durationMs: root.durationMs, error: typeof error === 'string' ? error : undefined, instanceId: root.instanceId };
}
