import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { ChildMessage } from '../contract/ipc.js';
import { createTelemetry, spanIn, type SpanInput } from './telemetry.js';

const span = (name: string): SpanInput => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), kind: 'server', name, start: 0, durationMs: 1 });

function recordingTelemetry(spanBatchMs?: number) {
  const sent: ChildMessage[] = [];
  const telemetry = createTelemetry({ service: 'test', instanceId: 'test#1', channel: { connected: true, send: (message) => void sent.push(message), onCommand: () => undefined }, ...(spanBatchMs === undefined ? {} : { spanBatchMs }) });
  const batches = () => sent.flatMap((message) => (message.type === 'spans' ? [message.spans.map((s) => s.name)] : []));
  return { telemetry, batches };
}

describe('telemetry spans', () => {
  it('are sent together at the end of the event-loop turn by default', async () => {
    const { telemetry, batches } = recordingTelemetry();
    telemetry.span(span('a'));
    telemetry.span(span('b'));
    expect(batches()).toEqual([]);
    await nextTurn();
    expect(batches()).toEqual([['a', 'b']]);
  });

  it('wait up to spanBatchMs, over several turns, to travel in one message; flush sends them at once', async () => {
    // The batch timer on a fake clock; the event-loop turns (setImmediate) stay real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => void vi.useRealTimers());
    const { telemetry, batches } = recordingTelemetry(30);
    telemetry.span(span('a'));
    await nextTurn();
    telemetry.span(span('b'));
    await nextTurn();
    expect(batches()).toEqual([]);
    await vi.advanceTimersByTimeAsync(60);
    expect(batches()).toEqual([['a', 'b']]);
    telemetry.span(span('c'));
    telemetry.flush();
    expect(batches()).toEqual([['a', 'b'], ['c']]);
    await vi.advanceTimersByTimeAsync(60);
    expect(batches()).toHaveLength(2);
  });

  it('drops the spans of an unsampled trace (W3C trace-flags 00), through spanIn as well', async () => {
    const { telemetry, batches } = recordingTelemetry();
    telemetry.span({ ...span('dropped'), sampled: false });
    telemetry.span(spanIn({ traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), sampled: false }, { kind: 'client', name: 'dropped too', start: 0, durationMs: 1 }));
    telemetry.span(spanIn({ traceId: 'c'.repeat(32), spanId: 'e'.repeat(16) }, { kind: 'client', name: 'kept', start: 0, durationMs: 1 }));
    await nextTurn();
    expect(batches()).toEqual([['kept']]);
  });
});
