import { describe, expect, it } from 'vitest';
import { span } from './fixtures';
import { clientNodeId, edgeKey, HopTracker } from './hops';

describe('HopTracker', () => {
  it('finds a hop when the caller\'s client span arrives first', () => {
    const tracker = new HopTracker();
    expect(tracker.add([span({ spanId: 'c', kind: 'client', parentSpanId: 'root' })])).toEqual([]);
    expect(tracker.add([span({ spanId: 's', parentSpanId: 'c', instanceId: 'profile#2' })])).toEqual([{ from: 'gateway#1', to: 'profile#2', traceId: 't1' }]);
  });

  it('finds a hop when the callee\'s server span arrives first', () => {
    const tracker = new HopTracker();
    expect(tracker.add([span({ spanId: 's', parentSpanId: 'c', instanceId: 'lb#1' })])).toEqual([]);
    expect(tracker.add([span({ spanId: 'c', kind: 'client', parentSpanId: 'root' })])).toEqual([{ from: 'gateway#1', to: 'lb#1', traceId: 't1' }]);
  });

  it('takes a gateway server span with no known parent as a hop from the client', () => {
    const tracker = new HopTracker();
    expect(tracker.add([span({ spanId: 'root' })])).toEqual([{ from: clientNodeId, to: 'gateway#1', traceId: 't1' }]);
    expect(tracker.add([span({ spanId: 'root2', parentSpanId: 'outside' })])).toEqual([{ from: clientNodeId, to: 'gateway#1', traceId: 't1' }]);
  });

  it('takes an inferred client span (Redis) as a hop to its peer', () => {
    const tracker = new HopTracker();
    const hops = tracker.add([span({ kind: 'client', instanceId: 'cache#1', parentSpanId: 'x', attributes: { peer: 'redis#1', inferred: true } })]);
    expect(hops).toEqual([{ from: 'cache#1', to: 'redis#1', traceId: 't1' }]);
  });

  it('ignores calls inside one instance, internal spans and repeats', () => {
    const tracker = new HopTracker();
    const client = span({ spanId: 'c', kind: 'client', parentSpanId: 'x', instanceId: 'profile#1' });
    const self = span({ spanId: 's', parentSpanId: 'c', instanceId: 'profile#1' });
    const internal = span({ spanId: 'i', parentSpanId: 'c', kind: 'internal', instanceId: 'auth#1' });
    expect(tracker.add([client, self, internal, self])).toEqual([]);
  });

  it('remembers a bounded number of spans', () => {
    const tracker = new HopTracker({ rememberSpans: 2 });
    tracker.add([span({ spanId: 'c', kind: 'client', parentSpanId: 'x' })]);
    tracker.add([span({ spanId: 'o1', kind: 'internal' }), span({ spanId: 'o2', kind: 'internal' })]);
    // c is forgotten: the server span waits for a caller that will not come again.
    expect(tracker.add([span({ spanId: 's', parentSpanId: 'c', instanceId: 'profile#1' })])).toEqual([]);
  });

  it('bounds the server spans waiting for their caller', () => {
    const tracker = new HopTracker({ maxWaiting: 1 });
    tracker.add([span({ spanId: 's1', parentSpanId: 'c1', instanceId: 'profile#1' }), span({ spanId: 's2', parentSpanId: 'c2', instanceId: 'profile#2' })]);
    expect(tracker.add([span({ spanId: 'c1', kind: 'client', parentSpanId: 'x' })])).toEqual([]);
    expect(tracker.add([span({ spanId: 'c2', kind: 'client', parentSpanId: 'x' })])).toHaveLength(1);
  });

  it('forgets everything on clear', () => {
    const tracker = new HopTracker();
    tracker.add([span({ spanId: 'c', kind: 'client', parentSpanId: 'x' })]);
    tracker.clear();
    expect(tracker.add([span({ spanId: 's', parentSpanId: 'c', instanceId: 'profile#1' })])).toEqual([]);
  });

  it('keys an edge by caller and callee', () => {
    expect(edgeKey('gateway#1', 'profile#2')).toBe('gateway#1->profile#2');
  });
});
