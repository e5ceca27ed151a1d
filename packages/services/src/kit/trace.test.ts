import { describe, expect, it } from 'vitest';
import { createSpanId, createTraceId, formatTraceparent, parseTraceparent, startChildTrace, startServerTrace } from './trace.js';

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
    expect(parseTraceparent(formatTraceparent(child))).toEqual({ traceId: child.traceId, parentSpanId: child.spanId, sampled: true });
  });
});

// W3C Trace Context Level 1, §3.2.2.5 (trace-flags) and §3.2.2.5.1 (the sampled flag).
describe('the sampled flag', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const parent = '00f067aa0ba902b7';

  it('is bit 0 of trace-flags: 01 and 03 sample, 00 and 02 do not', () => {
    expect(['01', '03', '00', '02', 'ff', 'FE'].map((flags) => parseTraceparent(`00-${traceId}-${parent}-${flags}`)?.sampled)).toEqual([true, true, false, false, true, false]);
  });

  it('is carried by the server span and every child to the next hop, as 00', () => {
    const server = startServerTrace(`00-${traceId}-${parent}-00`);
    expect(server).toMatchObject({ traceId, parentSpanId: parent, sampled: false });
    const child = startChildTrace(server);
    expect(child).toMatchObject({ traceId, parentSpanId: server.spanId, sampled: false });
    expect(formatTraceparent(child)).toBe(`00-${traceId}-${child.spanId}-00`);
  });

  it('is set on a sampled trace and on a new one (a request without traceparent is recorded)', () => {
    expect(startServerTrace(`00-${traceId}-${parent}-01`).sampled).toBeUndefined();
    expect(startServerTrace(undefined).sampled).toBeUndefined();
    expect(startServerTrace(`00-${'0'.repeat(32)}-${parent}-00`).sampled).toBeUndefined();
    expect(formatTraceparent(startChildTrace(startServerTrace(`00-${traceId}-${parent}-01`)))).toMatch(/-01$/);
  });
});
