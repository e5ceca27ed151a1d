import type { Span } from '@topolab/services/contract';
import { describe, expect, it } from 'vitest';
import { RequestStore } from './request-store.js';
import { isRequestRoot, splitRequestName, summarizeRequest } from './request-summary.js';

let counter = 0;

/** A span with defaults: a server span of gateway#1 in trace `t1`, unique span id. */
function span(fields: Partial<Span> & { readonly instanceId?: string } = {}): Span {
  counter += 1;
  const instanceId = fields.instanceId ?? 'gateway#1';
  return { traceId: 't1', spanId: `s${counter}`, service: instanceId.split('#')[0] ?? instanceId, instanceId, address: '127.0.0.1:1', kind: 'server', name: 'GET /profile/me', start: 1_000, durationMs: 10, ...fields };
}

/** A span of trace `traceId` starting after the previous one (the terminal dashboard's tests). */
function traceSpan(traceId: string, fields: Partial<Span> & Pick<Span, 'service' | 'kind'>): Span {
  counter += 1;
  return { traceId, spanId: `s${counter}`, instanceId: `${fields.service}#1`, address: '127.0.0.1:1', name: 'GET /x', start: counter, durationMs: 1, ...fields };
}

describe('RequestStore', () => {
  it('keeps the downstream spans that arrive before the gateway root, and shows the request once the root arrives', () => {
    const store = new RequestStore();
    const client = span({ traceId: 'a', spanId: 'c1', parentSpanId: 'root', kind: 'client', name: 'profile: GET /profile/me' });
    const server = span({ traceId: 'a', spanId: 'p1', parentSpanId: 'c1', instanceId: 'profile#2' });
    expect(store.add([server]).traceIds.size).toBe(0);
    expect(store.recentRequests()).toEqual([]);
    const root = span({ traceId: 'a', spanId: 'root', name: 'GET /profile/me', status: 200, durationMs: 12 });
    const changes = store.add([client, root]);
    expect(changes.roots).toEqual([root]);
    expect([...changes.traceIds]).toEqual(['a']);
    expect(store.recentRequests()).toEqual([{ traceId: 'a', start: 1000, method: 'GET', path: '/profile/me', status: 200, durationMs: 12, error: undefined, instanceId: 'gateway#1' }]);
    expect(store.get('a')?.spans.map((s) => s.spanId)).toEqual(['p1', 'c1', 'root']);
  });

  it('adds spans arriving after the root to the request, once each', () => {
    const store = new RequestStore();
    const root = span({ traceId: 'a', spanId: 'root' });
    const late = span({ traceId: 'a', spanId: 'late', parentSpanId: 'root', instanceId: 'auth#1' });
    store.add([root]);
    const changes = store.add([late, late]);
    expect(changes.roots).toEqual([]);
    expect(changes.traceIds.has('a')).toBe(true);
    expect(store.get('a')?.spans.map((s) => s.spanId)).toEqual(['root', 'late']);
  });

  it('takes a gateway server span whose parent is outside the trace (the client sent a traceparent) as the root', () => {
    const store = new RequestStore();
    const root = span({ traceId: 'a', spanId: 'root', parentSpanId: 'from-the-client' });
    expect(store.add([root]).roots).toEqual([root]);
  });

  it('drops traces rooted elsewhere (a heartbeat), and their late spans', () => {
    const store = new RequestStore();
    store.add([span({ traceId: 'hb', spanId: 'h1', parentSpanId: 'h0', instanceId: 'registry#1' })]);
    expect(store.size().pending).toBe(1);
    store.add([span({ traceId: 'hb', spanId: 'h0', kind: 'client', instanceId: 'profile#1' })]);
    expect(store.size()).toEqual({ requests: 0, pending: 0 });
    store.add([span({ traceId: 'hb', spanId: 'h2', parentSpanId: 'h0', instanceId: 'registry#1' })]);
    expect(store.size()).toEqual({ requests: 0, pending: 0 });
  });

  it('lists the latest requests newest first, at most `limit`', () => {
    const store = new RequestStore();
    for (let index = 0; index < 40; index += 1) store.add([span({ traceId: `t${index}`, spanId: `r${index}`, start: 1000 + index })]);
    const list = store.recentRequests(30);
    expect(list).toHaveLength(30);
    expect(list[0]?.traceId).toBe('t39');
    expect(list.at(-1)?.traceId).toBe('t10');
  });

  it('bounds its memory: requests, pending traces and spans per trace', () => {
    const store = new RequestStore({ maxRequests: 5, maxPending: 3, maxSpansPerTrace: 4 });
    for (let index = 0; index < 8; index += 1) store.add([span({ traceId: `r${index}`, spanId: `root${index}` })]);
    for (let index = 0; index < 6; index += 1) store.add([span({ traceId: `p${index}`, parentSpanId: 'x', instanceId: 'profile#1' })]);
    expect(store.size()).toEqual({ requests: 5, pending: 3 });
    expect(store.get('r0')).toBeUndefined();
    expect(store.get('r7')).toBeDefined();
    for (let index = 0; index < 10; index += 1) store.add([span({ traceId: 'r7', parentSpanId: 'root7', instanceId: 'profile#1' })]);
    expect(store.get('r7')?.spans).toHaveLength(4);
  });

  it('always keeps the root, even in a full trace', () => {
    const store = new RequestStore({ maxSpansPerTrace: 2 });
    store.add([1, 2, 3].map(() => span({ traceId: 'a', parentSpanId: 'root', instanceId: 'profile#1' })));
    const root = span({ traceId: 'a', spanId: 'root' });
    store.add([root]);
    expect(store.get('a')?.root).toBe(root);
    expect(store.get('a')?.spans).toContain(root);
  });

  it('forgets everything on clear', () => {
    const store = new RequestStore();
    store.add([span({ traceId: 'a' })]);
    store.clear();
    expect(store.size()).toEqual({ requests: 0, pending: 0 });
  });
});

describe('request helpers', () => {
  it('finds the root only among gateway server spans', () => {
    expect(isRequestRoot(span({ kind: 'client' }), new Set())).toBe(false);
    expect(isRequestRoot(span({ instanceId: 'profile#1' }), new Set())).toBe(false);
    expect(isRequestRoot(span({ parentSpanId: 'p' }), new Set(['p']))).toBe(false);
    expect(isRequestRoot(span({ parentSpanId: 'p' }), new Set())).toBe(true);
  });

  it('splits a request name and reads the error code', () => {
    expect(splitRequestName('POST /auth/login')).toEqual({ method: 'POST', path: '/auth/login' });
    expect(splitRequestName('health')).toEqual({ method: 'health', path: '' });
    const root = span({ status: 504, attributes: { error: 'GATEWAY_UPSTREAM_TIMEOUT' } });
    expect(summarizeRequest('t', root)).toMatchObject({ status: 504, error: 'GATEWAY_UPSTREAM_TIMEOUT' });
  });
});

describe('RequestStore as the terminal dashboard keeps it', () => {
  it('shows a request once the gateway span arrived, with the spans that came before and after it', () => {
    const traces = new RequestStore();
    const attempt = traceSpan('t1', { service: 'gateway', kind: 'client', spanId: 'attempt', parentSpanId: 'root', attributes: { peer: 'profile#1' } });
    const profile = traceSpan('t1', { service: 'profile', kind: 'server', parentSpanId: 'attempt' });
    expect(traces.add([profile]).traceIds.size > 0).toBe(false);
    expect(traces.list()).toEqual([]);
    // The client's own span (outside the trace) is the gateway span's parent.
    const root = traceSpan('t1', { service: 'gateway', kind: 'server', spanId: 'root', parentSpanId: 'client-side' });
    expect(traces.add([attempt, root]).traceIds.size > 0).toBe(true);
    const late = traceSpan('t1', { service: 'auth', kind: 'server', parentSpanId: 'attempt' });
    expect(traces.add([late]).traceIds.size > 0).toBe(true);
    const [request] = traces.list();
    expect(request!.root).toBe(root);
    expect(request!.spans).toEqual([profile, attempt, root, late]);
  });

  it('leaves out traces rooted anywhere but a gateway server span', () => {
    const traces = new RequestStore();
    // A heartbeat: the registry's server span, then the instance's client span without a parent.
    const registry = traceSpan('hb', { service: 'registry', kind: 'server', parentSpanId: 'beat' });
    const beat = traceSpan('hb', { service: 'profile', kind: 'client', spanId: 'beat' });
    // The runtime reading the phone: sms answers a request with no traceparent.
    const sms = traceSpan('phone', { service: 'sms', kind: 'server' });
    // The gateway's own catalog poll.
    const poll = traceSpan('poll', { service: 'gateway', kind: 'client' });
    const pollAnswer = traceSpan('poll', { service: 'registry', kind: 'server', parentSpanId: poll.spanId });
    expect(traces.add([registry, beat, sms, poll, pollAnswer]).traceIds.size > 0).toBe(false);
    // Once shown as not a request, a trace stays out whatever arrives later.
    expect(traces.add([traceSpan('hb', { service: 'gateway', kind: 'server', parentSpanId: 'elsewhere' })]).traceIds.size > 0).toBe(false);
    expect(traces.list()).toEqual([]);
  });

  it('keeps the newest requests only, and ignores late spans of a dropped one', () => {
    const traces = new RequestStore({ maxRequests: 2 });
    for (const id of ['a', 'b', 'c']) traces.add([traceSpan(id, { service: 'gateway', kind: 'server', name: `GET /${id}` })]);
    expect(traces.list().map((request) => request.traceId)).toEqual(['c', 'b']);
    expect(traces.add([traceSpan('a', { service: 'profile', kind: 'server', parentSpanId: 'x' })]).traceIds.size > 0).toBe(false);
    expect(traces.list().map((request) => request.traceId)).toEqual(['c', 'b']);
  });

  it('bounds the traces waiting for their root and the spans of one trace', () => {
    const traces = new RequestStore({ maxPending: 2, maxSpansPerTrace: 3 });
    for (const id of ['p1', 'p2', 'p3']) traces.add([traceSpan(id, { service: 'profile', kind: 'server', parentSpanId: 'attempt' })]);
    // p1 was dropped while waiting: its root shows it with its own span only.
    traces.add([traceSpan('p1', { service: 'gateway', kind: 'server' }), traceSpan('p3', { service: 'gateway', kind: 'server' })]);
    const byId = new Map(traces.list().map((request) => [request.traceId, request.spans.length]));
    expect(byId).toEqual(new Map([['p3', 2], ['p1', 1]]));
    for (let i = 0; i < 5; i++) traces.add([traceSpan('p3', { service: 'auth', kind: 'server', parentSpanId: 'attempt' })]);
    expect(traces.list().find((request) => request.traceId === 'p3')!.spans).toHaveLength(3);
  });
});
