import type { Span } from '@topolab/runtime';
import { describe, expect, it } from 'vitest';
import { createRequestTraces } from './request-traces.js';

let counter = 0;
function span(traceId: string, fields: Partial<Span> & Pick<Span, 'service' | 'kind'>): Span {
  counter += 1;
  return { traceId, spanId: `s${counter}`, instanceId: `${fields.service}#1`, address: '127.0.0.1:1', name: 'GET /x', start: counter, durationMs: 1, ...fields };
}

describe('createRequestTraces', () => {
  it('shows a request once the gateway span arrived, with the spans that came before and after it', () => {
    const traces = createRequestTraces();
    const attempt = span('t1', { service: 'gateway', kind: 'client', spanId: 'attempt', parentSpanId: 'root', attributes: { peer: 'profile#1' } });
    const profile = span('t1', { service: 'profile', kind: 'server', parentSpanId: 'attempt' });
    expect(traces.add([profile])).toBe(false);
    expect(traces.list()).toEqual([]);
    // The client's own span (outside the trace) is the gateway span's parent.
    const root = span('t1', { service: 'gateway', kind: 'server', spanId: 'root', parentSpanId: 'client-side' });
    expect(traces.add([attempt, root])).toBe(true);
    const late = span('t1', { service: 'auth', kind: 'server', parentSpanId: 'attempt' });
    expect(traces.add([late])).toBe(true);
    const [request] = traces.list();
    expect(request!.root).toBe(root);
    expect(request!.spans).toEqual([profile, attempt, root, late]);
  });

  it('leaves out traces rooted anywhere but a gateway server span', () => {
    const traces = createRequestTraces();
    // A heartbeat: the registry's server span, then the instance's client span without a parent.
    const registry = span('hb', { service: 'registry', kind: 'server', parentSpanId: 'beat' });
    const beat = span('hb', { service: 'profile', kind: 'client', spanId: 'beat' });
    // The runtime reading the phone: sms answers a request with no traceparent.
    const sms = span('phone', { service: 'sms', kind: 'server' });
    // The gateway's own catalog poll.
    const poll = span('poll', { service: 'gateway', kind: 'client' });
    const pollAnswer = span('poll', { service: 'registry', kind: 'server', parentSpanId: poll.spanId });
    expect(traces.add([registry, beat, sms, poll, pollAnswer])).toBe(false);
    // Once shown as not a request, a trace stays out whatever arrives later.
    expect(traces.add([span('hb', { service: 'gateway', kind: 'server', parentSpanId: 'elsewhere' })])).toBe(false);
    expect(traces.list()).toEqual([]);
  });

  it('keeps the newest requests only, and ignores late spans of a dropped one', () => {
    const traces = createRequestTraces({ capacity: 2 });
    for (const id of ['a', 'b', 'c']) traces.add([span(id, { service: 'gateway', kind: 'server', name: `GET /${id}` })]);
    expect(traces.list().map((request) => request.traceId)).toEqual(['c', 'b']);
    expect(traces.add([span('a', { service: 'profile', kind: 'server', parentSpanId: 'x' })])).toBe(false);
    expect(traces.list().map((request) => request.traceId)).toEqual(['c', 'b']);
  });

  it('bounds the traces waiting for their root and the spans of one trace', () => {
    const traces = createRequestTraces({ pendingCapacity: 2, spansPerTrace: 3 });
    for (const id of ['p1', 'p2', 'p3']) traces.add([span(id, { service: 'profile', kind: 'server', parentSpanId: 'attempt' })]);
    // p1 was dropped while waiting: its root shows it with its own span only.
    traces.add([span('p1', { service: 'gateway', kind: 'server' }), span('p3', { service: 'gateway', kind: 'server' })]);
    const byId = new Map(traces.list().map((request) => [request.traceId, request.spans.length]));
    expect(byId).toEqual(new Map([['p3', 2], ['p1', 1]]));
    for (let i = 0; i < 5; i++) traces.add([span('p3', { service: 'auth', kind: 'server', parentSpanId: 'attempt' })]);
    expect(traces.list().find((request) => request.traceId === 'p3')!.spans).toHaveLength(3);
  });
});
