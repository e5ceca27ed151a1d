import { describe, expect, it } from 'vitest';
import { createSpanId, createTraceId, formatTraceparent, parseTraceparent, startChildTrace } from './trace.js';

describe('trace ids', () => {
  it('are lower-case hex of the W3C lengths, distinct across many refills of the random pool', () => {
    const traces = Array.from({ length: 2000 }, () => createTraceId());
    const spans = Array.from({ length: 2000 }, () => createSpanId());
    for (const id of traces) expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (const id of spans) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(traces).size).toBe(traces.length);
    expect(new Set(spans).size).toBe(spans.length);
  });

  it('round-trip through traceparent', () => {
    const child = startChildTrace(undefined);
    expect(parseTraceparent(formatTraceparent(child))).toEqual({ traceId: child.traceId, parentSpanId: child.spanId });
  });
});
