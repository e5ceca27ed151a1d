import { describe, expect, it } from 'vitest';
import { createFrameQueue } from './frame-queue.js';

describe('frame queue', () => {
  it('runs tasks one at a time in order, a sync one at once, and refuses past its bound', async () => {
    const queue = createFrameQueue(2);
    const order: string[] = [];
    let release!: () => void;
    expect(queue.push(() => void order.push('sync'))).toBe(true);
    expect(order).toEqual(['sync']);
    expect(queue.push(() => new Promise<void>((resolve) => (release = () => resolve(void order.push('slow')))))).toBe(true);
    expect(queue.push(() => void order.push('after'))).toBe(true);
    expect(queue.push(() => void order.push('refused'))).toBe(false);
    expect(queue.size).toBe(2);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['sync', 'slow', 'after']);
    expect(queue.size).toBe(0);
  });

  it('keeps going after a task that throws, and drops what waits when cleared', async () => {
    const queue = createFrameQueue(10);
    const order: string[] = [];
    let release!: () => void;
    queue.push(() => {
      throw new Error('boom');
    });
    queue.push(() => new Promise<void>((resolve) => (release = resolve)));
    queue.push(() => void order.push('dropped'));
    queue.clear();
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    queue.push(() => void order.push('later'));
    expect(order).toEqual(['later']);
  });

  it('runs the end task after what is queued, past the bound, and refuses what comes after', async () => {
    const queue = createFrameQueue(1);
    const order: string[] = [];
    let release!: () => void;
    queue.push(() => new Promise<void>((resolve) => (release = () => resolve(void order.push('queued')))));
    queue.end(() => void order.push('end'));
    expect([queue.ended, queue.push(() => void order.push('refused'))]).toEqual([true, false]);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['queued', 'end']);
  });
});
