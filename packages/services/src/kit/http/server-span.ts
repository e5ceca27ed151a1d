import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { spanIn, type Telemetry } from '../telemetry.js';
import { startServerTrace, type TraceContext } from '../trace.js';

/** The server span of one request, filled in while it is handled and recorded when the answer is done. */
export interface ServerSpan {
  /** Continues the caller's `traceparent`, or starts a new trace. */
  readonly trace: TraceContext;
  /** `GET /profile/me`; set once routing knows the pattern. */
  name: string;
  /** Facts about the request (`route`, `upstream`, `error`). */
  readonly attributes: Record<string, string | number | boolean>;
}

/**
 * Starts the server span of a request and records it when the response closes (finished,
 * or the client went away), with the final status; a request of an unsampled trace records none.
 */
export function startServerSpan(req: IncomingMessage, res: ServerResponse, telemetry: Telemetry, clock: () => number = Date.now): ServerSpan {
  const started = performance.now();
  const start = clock();
  const span: ServerSpan = { trace: startServerTrace(req.headers.traceparent), name: req.method ?? 'GET', attributes: {} };
  // The caller does not sample this trace: nothing will be recorded, so nothing waits for the close.
  if (span.trace.sampled === false) return span;
  res.once('close', () => recordServerSpan(telemetry, span, start, started, res.statusCode));
  return span;
}

/** Records `span` as a server span that began at `start` (epoch ms) and `started` (performance.now()), with `status`. */
export function recordServerSpan(telemetry: Telemetry, span: ServerSpan, start: number, started: number, status: number): void {
  telemetry.span(spanIn(span.trace, { kind: 'server', name: span.name, start, durationMs: performance.now() - started, status, attributes: span.attributes }));
}
