import { describe, expect, it } from 'vitest';
import { openSharedAuthStores, openTestAuthStore } from '#test-support/auth.js';

const deleted = (n: number) => ({ userId: `u${n}`, username: `user${n}` });

describe('the event log', () => {
  it('numbers events from 1 and pages them after a seq, oldest first, with the newest seq', () => {
    const store = openTestAuthStore();
    expect(store.events.page(0, 10)).toEqual({ events: [], latestSeq: 0 });
    const first = store.transaction(() => store.events.append('user.deleted', deleted(1), 1000));
    store.transaction(() => store.events.append('user.updated', { userId: 'u2', username: 'user2', firstName: 'Bo' }, 2000));
    store.transaction(() => store.events.append('user.deleted', deleted(3), 3000));
    expect(first).toMatchObject({ seq: 1, type: 'user.deleted', occurredAt: 1000, data: deleted(1) });
    expect(first.eventId).toMatch(/^[0-9a-f-]{36}$/);

    const page = store.events.page(1, 1);
    expect(page.latestSeq).toBe(3);
    expect(page.events).toEqual([{ seq: 2, eventId: expect.any(String), type: 'user.updated', occurredAt: 2000, data: { userId: 'u2', username: 'user2', firstName: 'Bo' } }]);
    expect(store.events.page(3, 10).events).toEqual([]);
  });

  it('rolls an event back with the transaction it was appended in', () => {
    const store = openTestAuthStore();
    expect(() =>
      store.transaction(() => {
        store.events.append('user.deleted', deleted(1), 1000);
        throw new Error('the change failed');
      }),
    ).toThrow('the change failed');
    expect(store.events.page(0, 10)).toEqual({ events: [], latestSeq: 0 });
  });

  it('gives the relay lease to one holder at a time, and marks published once', () => {
    const [one, two] = openSharedAuthStores();
    one.transaction(() => one.events.append('user.deleted', deleted(1), 1000));
    one.transaction(() => one.events.append('user.deleted', deleted(2), 1000));

    expect(one.events.claim('a', 1000, 3000, 1)?.map((event) => event.seq)).toEqual([1]);
    expect(two.events.claim('b', 1000, 3000, 10)).toBeUndefined();
    expect(one.events.markPublished('a', 1, 1100, 3000)).toBe(true);
    expect(one.events.claim('a', 1200, 3000, 10)?.map((event) => event.seq)).toEqual([2]);
    expect(one.events.markPublished('a', 2, 1300, 3000)).toBe(true);
    // Nothing left: the lease is given up, and the other instance may claim at once.
    expect(one.events.claim('a', 1400, 3000, 10)).toEqual([]);
    expect(two.events.claim('b', 1400, 3000, 10)).toEqual([]);
    expect(two.events.page(0, 10).events.map((event) => event.publishedAt)).toEqual([1100, 1300]);
  });

  it('lets another holder take over an expired lease; the old holder learns it lost it', () => {
    const [one, two] = openSharedAuthStores();
    one.transaction(() => one.events.append('user.deleted', deleted(1), 1000));
    one.transaction(() => one.events.append('user.deleted', deleted(2), 1000));
    expect(one.events.claim('a', 1000, 3000, 10)).toHaveLength(2);
    expect(two.events.claim('b', 3999, 3000, 10)).toBeUndefined();
    // a paused past its lease: b publishes everything; a's late mark still counts, but a stops.
    expect(two.events.claim('b', 4001, 3000, 10)?.map((event) => event.seq)).toEqual([1, 2]);
    expect(one.events.markPublished('a', 1, 4002, 3000)).toBe(false);
    expect(two.events.markPublished('b', 1, 4003, 3000)).toBe(true);
    expect(two.events.page(0, 1).events[0]?.publishedAt).toBe(4002);
  });
});
