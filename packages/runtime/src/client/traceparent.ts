import { randomBytes } from 'node:crypto';

/** A new random W3C trace id (32 hex). */
export function createTraceId(): string {
  return randomBytes(16).toString('hex');
}

/** A new random W3C span id (16 hex). */
export function createSpanId(): string {
  return randomBytes(8).toString('hex');
}

/** A fresh `traceparent` header (sampled) that starts a new trace, with the ids it carries. */
export function createTraceparent(): { header: string; traceId: string; spanId: string } {
  const traceId = createTraceId();
  const spanId = createSpanId();
  return { header: `00-${traceId}-${spanId}-01`, traceId, spanId };
}
