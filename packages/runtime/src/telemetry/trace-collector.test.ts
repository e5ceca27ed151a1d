import type { Span } from '@topolab/services/contract';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { requestChain, requestTraceId, traceSpan } from '../../../../test-support/trace-spans.js';
import { createTraceCollector } from './trace-collector.js';

const trace = requestTraceId;
const span = traceSpan;
const { gatewayServer, gatewayClient, authServer, authClient, smsServer } = requestChain;

/** Fake timers for this test, real ones again after it. */
function useFakeClock(): void {
  vi.useFakeTimers();
  onTestFinished(() => void vi.useRealTimers());
}

/** Whether `promise` has settled yet (read after advancing the fake clock). */
function watch(promise: Promise<unknown>): () => boolean {
  let settled = false;
  void promise.then(() => (settled = true), () => (settled = true));
  return () => settled;
}

describe('createTraceCollector', () => {
  it('resolves once the root server span arrived, with the spans that came before and during the settle', async () => {
    const collector = createTraceCollector({ settleMs: 10 });
    collector.add([smsServer, authClient]);
    const waiting = collector.waitForTrace(trace, { parentSpanId: 'c0', timeoutMs: 1000 });
    collector.add([authServer, gatewayClient]);
    collector.add([gatewayServer]);
    setTimeout(() => collector.add([span({ spanId: 'late', parentSpanId: 'a0', kind: 'internal' })]), 1);
    const spans = await waiting;
    expect(spans.map((s) => s.spanId)).toEqual(['s0', 'a1', 'a0', 'g1', 'g0', 'late']);
  });

  it('resolves at once for a trace already complete', async () => {
    const collector = createTraceCollector({ settleMs: 1 });
    collector.add([authServer, gatewayServer]);
    await expect(collector.waitForTrace(trace)).resolves.toHaveLength(2);
  });

  it('does not take a downstream span for the root without a parent hint once its parent arrives', async () => {
    useFakeClock();
    const collector = createTraceCollector({ settleMs: 15 });
    const waiting = collector.waitForTrace(trace, { timeoutMs: 1000 });
    const settled = watch(waiting);
    collector.add([smsServer]);
    collector.add([authClient]);
    await vi.advanceTimersByTimeAsync(50);
    expect(settled()).toBe(false);
    collector.add([authServer, gatewayClient, gatewayServer]);
    await vi.advanceTimersByTimeAsync(20);
    await expect(waiting).resolves.toHaveLength(5);
  });

  it("waits past the settle for the server span of a call its caller's span says was answered, as long as the grace", async () => {
    useFakeClock();
    const collector = createTraceCollector({ settleMs: 20, callGraceMs: 1000 });
    const waiting = collector.waitForTrace(trace, { parentSpanId: 'c0', timeoutMs: 5000 });
    const settled = watch(waiting);
    // The gateway's root and its call to auth arrive; auth's own span is still on its way (another process).
    collector.add([gatewayClient, gatewayServer]);
    await vi.advanceTimersByTimeAsync(300);
    expect(settled()).toBe(false);
    collector.add([authClient, authServer]);
    await vi.advanceTimersByTimeAsync(30);
    expect(settled()).toBe(false);
    collector.add([smsServer]);
    await vi.advanceTimersByTimeAsync(30);
    await expect(waiting).resolves.toHaveLength(5);
  });

  it('ends the wait for a callee span after the grace, and never waits for a failed call or a redis one (no span of its own)', async () => {
    useFakeClock();
    const collector = createTraceCollector({ settleMs: 20, callGraceMs: 500 });
    const failed = span({ spanId: 'g2', parentSpanId: 'g0', kind: 'client', attributes: { failure: 'refused' } });
    const redis = span({ spanId: 'g3', parentSpanId: 'g0', kind: 'client', status: undefined, attributes: { inferred: true, peer: 'redis#1' } });
    collector.add([gatewayServer, failed, redis]);
    const quick = collector.waitForTrace(trace, { parentSpanId: 'c0' });
    await vi.advanceTimersByTimeAsync(25);
    await expect(quick).resolves.toHaveLength(3);
    collector.add([gatewayClient]);
    let spans: Span[] | undefined;
    void collector.waitForTrace(trace, { parentSpanId: 'c0', timeoutMs: 5000 }).then((found) => (spans = found));
    await vi.advanceTimersByTimeAsync(400);
    expect(spans).toBeUndefined();
    await vi.advanceTimersByTimeAsync(150);
    expect(spans).toHaveLength(4);
  });

  it('rejects with TRACE_TIMEOUT when the root never arrives', async () => {
    const collector = createTraceCollector();
    collector.add([smsServer]);
    await expect(collector.waitForTrace(trace, { parentSpanId: 'c0', timeoutMs: 20 })).rejects.toMatchObject({ code: 'TRACE_TIMEOUT' });
  });

  it('keeps at most `capacity` spans, dropping the oldest', () => {
    const collector = createTraceCollector({ capacity: 3 });
    collector.add([span({ spanId: '1', traceId: 'x' }), span({ spanId: '2', traceId: 'y' }), span({ spanId: '3', traceId: 'x' })]);
    collector.add([span({ spanId: '4', traceId: 'z' }), span({ spanId: '5', traceId: 'z' })]);
    expect(collector.size).toBe(3);
    expect(collector.spansOf('x').map((s) => s.spanId)).toEqual(['3']);
    expect(collector.spansOf('y')).toEqual([]);
    expect(collector.spansOf('z').map((s) => s.spanId)).toEqual(['4', '5']);
  });
});
