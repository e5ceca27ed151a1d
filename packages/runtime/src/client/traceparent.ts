import { createSpanId, createTraceId, formatTraceparent } from '@topolab/services/contract';

/** A fresh `traceparent` header (sampled) that starts a new trace, with the ids it carries. */
export function createTraceparent(): { header: string; traceId: string; spanId: string } {
  const traceId = createTraceId();
  const spanId = createSpanId();
  return { header: formatTraceparent({ traceId, spanId }), traceId, spanId };
}
