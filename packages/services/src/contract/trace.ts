/** W3C Trace Context (`traceparent`) helpers, shared by the services and the runtime. */
import { randomFillSync } from 'node:crypto';

/** The trace a request belongs to and the span that represents it here. */
export interface TraceContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
}

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
const zeroTrace = '0'.repeat(32);
const zeroSpan = '0'.repeat(16);

/** Parses a W3C `traceparent` header; undefined when absent or malformed (then a new trace starts). */
export function parseTraceparent(header: string | string[] | undefined): { traceId: string; parentSpanId: string } | undefined {
  if (typeof header !== 'string') return undefined;
  const match = traceparentPattern.exec(header.trim().toLowerCase());
  if (!match || match[1] === zeroTrace || match[2] === zeroSpan) return undefined;
  return { traceId: match[1]!, parentSpanId: match[2]! };
}

/** Formats the `traceparent` header that carries `context` to the next hop. */
export function formatTraceparent(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-01`;
}

// Every request takes two or three ids: one call to the CSPRNG per 512 of them, not one each.
const randomPool = Buffer.allocUnsafe(8192);
let poolOffset = randomPool.length;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > randomPool.length) {
    randomFillSync(randomPool);
    poolOffset = 0;
  }
  const hex = randomPool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

/** A new random trace id (32 hex). */
export function createTraceId(): string {
  return randomHex(16);
}

/** A new random span id (16 hex). */
export function createSpanId(): string {
  return randomHex(8);
}

/** Continues the trace of an incoming `traceparent`, or starts a new one. */
export function startServerTrace(header: string | string[] | undefined): TraceContext {
  const parent = parseTraceparent(header);
  return parent
    ? { traceId: parent.traceId, spanId: createSpanId(), parentSpanId: parent.parentSpanId }
    : { traceId: createTraceId(), spanId: createSpanId() };
}

/** A child span of `parent` (for a call this instance makes). */
export function startChildTrace(parent: TraceContext | undefined): TraceContext {
  return parent
    ? { traceId: parent.traceId, spanId: createSpanId(), parentSpanId: parent.spanId }
    : { traceId: createTraceId(), spanId: createSpanId() };
}
