import { describe, expect, it, vi } from 'vitest';
import { createBootGate } from './boot-gate.js';

describe('the boot gate', () => {
  it('lets `slots` children boot at once and the next one in as soon as one is ready, in order', async () => {
    const gate = createBootGate({ slots: 2, holdMs: 60_000 });
    const order: string[] = [];
    const first = await gate.acquire();
    const second = await gate.acquire();
    const third = gate.acquire().then((release) => (order.push('third'), release));
    const fourth = gate.acquire().then((release) => (order.push('fourth'), release));
    await Promise.resolve();
    expect(order).toEqual([]);
    first();
    first(); // a second call gives back nothing more
    await third;
    expect(order).toEqual(['third']);
    second();
    (await fourth)();
    expect(order).toEqual(['third', 'fourth']);
  });

  it('takes a slot back after holdMs, so a child waiting on a queued sibling cannot block it', async () => {
    vi.useFakeTimers();
    try {
      const gate = createBootGate({ slots: 1, holdMs: 1000 });
      const stuck = await gate.acquire();
      let sibling: (() => void) | undefined;
      void gate.acquire().then((release) => (sibling = release));
      await vi.advanceTimersByTimeAsync(999);
      expect(sibling).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(sibling).toBeTypeOf('function');
      stuck(); // late: its slot was already taken back, and it is not given twice
      let another: (() => void) | undefined;
      void gate.acquire().then((release) => (another = release));
      await vi.advanceTimersByTimeAsync(0);
      expect(another).toBeUndefined();
      sibling!();
      await vi.advanceTimersByTimeAsync(0);
      expect(another).toBeTypeOf('function');
    } finally {
      vi.useRealTimers();
    }
  });
});
