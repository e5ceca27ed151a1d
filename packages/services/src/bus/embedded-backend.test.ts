import { describe, expect, it } from 'vitest';
import type { BusMessage } from '../contract/bus-api.js';
import { createEmbeddedBusBackend } from './embedded-backend.js';

describe('embedded bus backend', () => {
  it('numbers each topic from 1, one by one, and stamps the time', async () => {
    const backend = createEmbeddedBusBackend({ clock: () => 42 });
    expect(await backend.publish('a', 1)).toEqual({ topic: 'a', seq: 1, time: 42, data: 1 });
    expect((await backend.publish('a', 2)).seq).toBe(2);
    expect((await backend.publish('b', 3)).seq).toBe(1);
    expect((await backend.publish('a', 4)).seq).toBe(3);
  });

  it('answers an empty backlog for an unknown topic', async () => {
    const backend = createEmbeddedBusBackend();
    expect(await backend.backlog('nobody', 0, 10)).toEqual({ topic: 'nobody', epoch: expect.any(String), latestSeq: 0, oldestSeq: 1, messages: [] });
  });

  it('reads the backlog after a seq, up to a limit, and forgets beyond the retention', async () => {
    const backend = createEmbeddedBusBackend({ retain: 5 });
    for (let i = 1; i <= 8; i++) await backend.publish('t', i);
    const all = await backend.backlog('t', 0, 100);
    expect(all).toMatchObject({ latestSeq: 8, oldestSeq: 4 });
    expect(all.messages.map((m) => m.seq)).toEqual([4, 5, 6, 7, 8]);
    expect((await backend.backlog('t', 5, 2)).messages.map((m) => m.seq)).toEqual([6, 7]);
    expect((await backend.backlog('t', 8, 10)).messages).toEqual([]);
    expect((await backend.backlog('t', 99, 10)).messages).toEqual([]);
  });

  it('calls listeners of the topic until they unsubscribe, surviving a failing one', async () => {
    const backend = createEmbeddedBusBackend();
    const seen: BusMessage[] = [];
    backend.subscribe('t', () => {
      throw new Error('broken listener');
    });
    const unsubscribe = backend.subscribe('t', (message) => seen.push(message));
    backend.subscribe('other', (message) => seen.push(message));
    await backend.publish('t', 'x');
    await backend.publish('t', 'y');
    unsubscribe();
    await backend.publish('t', 'z');
    expect(seen.map((m) => m.data)).toEqual(['x', 'y']);
  });

  it('refuses a retention that is not a positive integer', () => {
    expect(() => createEmbeddedBusBackend({ retain: 0 })).toThrow(RangeError);
  });

  it('drops every listener on close', async () => {
    const backend = createEmbeddedBusBackend();
    const seen: unknown[] = [];
    backend.subscribe('t', (message) => seen.push(message));
    await backend.close();
    await backend.publish('t', 1);
    expect(seen).toEqual([]);
  });
});
