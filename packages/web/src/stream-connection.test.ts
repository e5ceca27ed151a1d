import { describe, expect, it } from 'vitest';
import type { DashboardMessage } from './protocol';
import { connectStream, type StreamSource, type StreamState } from './stream-connection';

/** An EventSource stand-in the test drives. */
class FakeSource implements StreamSource {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  readonly listeners = new Map<string, (event: MessageEvent<string>) => void>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.set(type, listener);
  }

  close(): void {
    this.closed = true;
    this.readyState = 2;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  fail(closed: boolean): void {
    this.readyState = closed ? 2 : 0;
    this.onerror?.(new Event('error'));
  }

  send(type: string, data: unknown): void {
    this.listeners.get(type)?.({ data: JSON.stringify(data) } as MessageEvent<string>);
  }
}

function setup() {
  const sources: FakeSource[] = [];
  const states: StreamState[] = [];
  const messages: DashboardMessage[] = [];
  const timers: { callback: () => void; ms: number }[] = [];
  const close = connectStream({
    url: '/v1/stream',
    onMessage: (message) => messages.push(message),
    onState: (state) => states.push(state),
    createSource: (url) => {
      const source = new FakeSource(url);
      sources.push(source);
      return source;
    },
    setTimer: (callback, ms) => timers.push({ callback, ms }),
    clearTimer: () => undefined,
    backoffMs: 100,
    maxBackoffMs: 300,
    // The jitter at its ceiling: the waits are the doubling bounds themselves.
    random: () => 1,
  });
  return { sources, states, messages, timers, close };
}

describe('connectStream', () => {
  it('opens the stream, says live, and passes on the messages it can read', () => {
    const { sources, states, messages } = setup();
    expect(sources[0]?.url).toBe('/v1/stream');
    sources[0]!.open();
    sources[0]!.send('spans', { type: 'spans', spans: [] });
    sources[0]!.listeners.get('log')?.({ data: 'garbage' } as MessageEvent<string>);
    expect(states).toEqual(['connecting', 'live']);
    expect(messages).toEqual([{ type: 'spans', spans: [] }]);
  });

  it('says reconnecting while the browser retries, live again when it is back', () => {
    const { sources, states, timers } = setup();
    sources[0]!.open();
    sources[0]!.fail(false);
    sources[0]!.open();
    expect(states).toEqual(['connecting', 'live', 'reconnecting', 'live']);
    expect(timers).toEqual([]);
  });

  it('opens a new source, with a growing wait, when the browser gives up', () => {
    const { sources, timers } = setup();
    sources[0]!.fail(true);
    expect(sources[0]!.closed).toBe(true);
    expect(timers.map((timer) => timer.ms)).toEqual([100]);
    timers[0]!.callback();
    sources[1]!.fail(true);
    timers[1]!.callback();
    sources[2]!.fail(true);
    timers[2]!.callback();
    sources[3]!.fail(true);
    expect(timers.map((timer) => timer.ms)).toEqual([100, 200, 300, 300]);
    // Messages of a replaced source are ignored.
    timers[3]!.callback();
    sources[4]!.open();
    expect(timers).toHaveLength(4);
  });

  it('closes for good', () => {
    const { sources, close, timers } = setup();
    close();
    expect(sources[0]!.closed).toBe(true);
    sources[0]!.fail(true);
    expect(timers).toEqual([]);
  });
});
