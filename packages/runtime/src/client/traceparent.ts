import { createSpanId, createTraceId, formatTraceparent } from '@topolab/services/contract';

/** A fresh `traceparent` header (sampled) that starts a new trace, with the ids it carries. */
export function createTraceparent(): { header: string; traceId: string; spanId: string } {
  const traceId = createTraceId();
  const spanId = createSpanId();
  return { header: formatTraceparent({ traceId, spanId }), traceId, spanId };
}

/**
 * A `traceparent` of a new trace with the sampled flag cleared (trace-flags `00`): every hop
 * passes the trace on and none records a span. The bench's load sends it, so what it measures
 * is the topology serving requests, not the topology recording them.
 */
export function createUnsampledTraceparent(): string {
  return formatTraceparent({ traceId: createTraceId(), spanId: createSpanId(), sampled: false });
}
