import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { DomainEvent } from '../contract/events-api.js';
import { recordTelemetry } from '#test-support/kit.js';
import { createFakeBus, type FakeBus } from '#test-support/kit-token-cache.js';
import { createEventRelay, type EventRelay, type EventRelayOptions } from './event-relay.js';
import type { AuthStore } from './store.js';
import { openSharedAuthStores, openTestAuthStore } from '#test-support/auth.js';

function startRelay(store: AuthStore, bus: FakeBus, options: Partial<EventRelayOptions> = {}): { relay: EventRelay; recorded: ReturnType<typeof recordTelemetry> } {
  const recorded = recordTelemetry('auth');
  const relay = createEventRelay({ log: store.events, bus, telemetry: recorded.telemetry, clock: Date.now, pollMs: 20, minDelayMs: 5, maxDelayMs: 20, ...options });
  onTestFinished(() => relay.close());
  return { relay, recorded };
}

function append(store: AuthStore, n: number): DomainEvent {
  return store.transaction(() => store.events.append('user.deleted', { userId: `u${n}`, username: `user${n}` }, Date.now()));
}

const unpublished = (store: AuthStore) => store.events.page(0, 1000).events.filter((event) => event.publishedAt === undefined).length;

describe('the event relay', () => {
  it('publishes each event to the topic of its type, in seq order, and marks it published', async () => {
    const store = openTestAuthStore();
    const bus = createFakeBus();
    const { relay, recorded } = startRelay(store, bus);
    const events = [append(store, 1), append(store, 2), append(store, 3)];
    relay.kick();
    await vi.waitFor(() => expect(unpublished(store)).toBe(0));

    expect(bus.published.map((message) => [message.topic, (message.data as DomainEvent).seq])).toEqual([
      ['user.deleted', 1],
      ['user.deleted', 2],
      ['user.deleted', 3],
    ]);
    expect(bus.published[0]?.data).toEqual(events[0]);
    const published = recorded.events().filter((event) => event.name === 'auth.event.published');
    expect(published.map((event) => event.data)).toEqual(events.map(({ type, seq, eventId }) => ({ type, seq, eventId })));
    expect(JSON.stringify(recorded.messages)).not.toContain('user1');
  });

  it('retries while the bus fails, keeping the events in the outbox, then publishes them in order', async () => {
    const store = openTestAuthStore();
    const bus = createFakeBus();
    bus.failing = true;
    const { relay, recorded } = startRelay(store, bus);
    append(store, 1);
    append(store, 2);
    relay.kick();
    await vi.waitFor(() => expect(recorded.events().filter((event) => event.name === 'auth.event.failed').length).toBeGreaterThanOrEqual(3));
    expect(unpublished(store)).toBe(2);
    expect(bus.published).toEqual([]);

    bus.failing = false;
    await vi.waitFor(() => expect(unpublished(store)).toBe(0));
    expect(bus.published.map((message) => (message.data as DomainEvent).seq)).toEqual([1, 2]);
    const failed = recorded.events().filter((event) => event.name === 'auth.event.failed');
    expect(failed.map((event) => event.data.attempts)).toEqual(failed.map((_, i) => i + 1));
  });

  it('publishes rows nobody kicked for (left by a crashed instance) at its next poll', async () => {
    const store = openTestAuthStore();
    const bus = createFakeBus();
    append(store, 1);
    startRelay(store, bus);
    await vi.waitFor(() => expect(unpublished(store)).toBe(0));
    expect(bus.published).toHaveLength(1);
  });

  it('loses no event with two instances appending and relaying over one database, and keeps seq order', async () => {
    const [one, two] = openSharedAuthStores();
    const bus = createFakeBus();
    const relays = [startRelay(one, bus).relay, startRelay(two, bus).relay];
    for (let n = 1; n <= 40; n++) {
      append(n % 2 === 0 ? one : two, n);
      relays[n % 2]!.kick();
      if (n % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await vi.waitFor(() => expect(unpublished(one)).toBe(0));
    const seqs = bus.published.map((message) => (message.data as DomainEvent).seq);
    expect(new Set(seqs)).toEqual(new Set(Array.from({ length: 40 }, (_, i) => i + 1)));
    // One relay publishes at a time (the lease), so first publications come in seq order.
    const firsts = seqs.filter((seq, i) => seqs.indexOf(seq) === i);
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
  });

  it('stops on close and gives the lease up, so the other instance publishes at once', async () => {
    const [one, two] = openSharedAuthStores();
    const bus = createFakeBus();
    bus.failing = true;
    const first = startRelay(one, bus, { leaseMs: 60_000 });
    append(one, 1);
    first.relay.kick();
    await vi.waitFor(() => expect(first.recorded.events().some((event) => event.name === 'auth.event.failed')).toBe(true));
    first.relay.close();
    bus.failing = false;
    const second = startRelay(two, bus);
    second.relay.kick();
    await vi.waitFor(() => expect(unpublished(two)).toBe(0));
    expect(bus.published).toHaveLength(1);
  });
});
