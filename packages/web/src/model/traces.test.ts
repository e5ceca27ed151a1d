import { describe, expect, it } from 'vitest';
import { span } from './fixtures';
import { isRequestRoot, splitRequestName, summarizeRequest, TraceStore } from './traces';

describe('TraceStore', () => {
  it('keeps the downstream spans that arrive before the gateway root, and shows the request once the root arrives', () => {
    const store = new TraceStore();
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
    const store = new TraceStore();
    const root = span({ traceId: 'a', spanId: 'root' });
    const late = span({ traceId: 'a', spanId: 'late', parentSpanId: 'root', instanceId: 'auth#1' });
    store.add([root]);
    const changes = store.add([late, late]);
    expect(changes.roots).toEqual([]);
    expect(changes.traceIds.has('a')).toBe(true);
    expect(store.get('a')?.spans.map((s) => s.spanId)).toEqual(['root', 'late']);
  });

  it('takes a gateway server span whose parent is outside the trace (the client sent a traceparent) as the root', () => {
    const store = new TraceStore();
    const root = span({ traceId: 'a', spanId: 'root', parentSpanId: 'from-the-client' });
    expect(store.add([root]).roots).toEqual([root]);
  });

  it('drops traces rooted elsewhere (a heartbeat), and their late spans', () => {
    const store = new TraceStore();
    store.add([span({ traceId: 'hb', spanId: 'h1', parentSpanId: 'h0', instanceId: 'registry#1' })]);
    expect(store.size().pending).toBe(1);
    store.add([span({ traceId: 'hb', spanId: 'h0', kind: 'client', instanceId: 'profile#1' })]);
    expect(store.size()).toEqual({ requests: 0, pending: 0 });
    store.add([span({ traceId: 'hb', spanId: 'h2', parentSpanId: 'h0', instanceId: 'registry#1' })]);
    expect(store.size()).toEqual({ requests: 0, pending: 0 });
  });

  it('lists the latest requests newest first, at most `limit`', () => {
    const store = new TraceStore();
    for (let index = 0; index < 40; index += 1) store.add([span({ traceId: `t${index}`, spanId: `r${index}`, start: 1000 + index })]);
    const list = store.recentRequests(30);
    expect(list).toHaveLength(30);
    expect(list[0]?.traceId).toBe('t39');
    expect(list.at(-1)?.traceId).toBe('t10');
  });

  it('bounds its memory: requests, pending traces and spans per trace', () => {
    const store = new TraceStore({ maxRequests: 5, maxPending: 3, maxSpansPerTrace: 4 });
    for (let index = 0; index < 8; index += 1) store.add([span({ traceId: `r${index}`, spanId: `root${index}` })]);
    for (let index = 0; index < 6; index += 1) store.add([span({ traceId: `p${index}`, parentSpanId: 'x', instanceId: 'profile#1' })]);
    expect(store.size()).toEqual({ requests: 5, pending: 3 });
    expect(store.get('r0')).toBeUndefined();
    expect(store.get('r7')).toBeDefined();
    for (let index = 0; index < 10; index += 1) store.add([span({ traceId: 'r7', parentSpanId: 'root7', instanceId: 'profile#1' })]);
    expect(store.get('r7')?.spans).toHaveLength(4);
  });

  it('always keeps the root, even in a full trace', () => {
    const store = new TraceStore({ maxSpansPerTrace: 2 });
    store.add([1, 2, 3].map(() => span({ traceId: 'a', parentSpanId: 'root', instanceId: 'profile#1' })));
    const root = span({ traceId: 'a', spanId: 'root' });
    store.add([root]);
    expect(store.get('a')?.root).toBe(root);
    expect(store.get('a')?.spans).toContain(root);
  });

  it('forgets everything on clear', () => {
    const store = new TraceStore();
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
