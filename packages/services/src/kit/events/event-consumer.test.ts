import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { DomainEvent } from '../../contract/events-api.js';
import { openDatabase, type SqliteDatabase } from '../sqlite.js';
import { recordTelemetry } from '#test-support/kit.js';
import { createFakeBus, type FakeBus } from '#test-support/kit-token-cache.js';
import { openConsumerStore } from './consumer-store.js';
import { createEventConsumer, type EventConsumerOptions } from './event-consumer.js';
import { createFakeEventLog, domainEvent, type FakeEventLog } from '#test-support/kit-events.js';
import { testDir } from '@topolab/test-support/files';

const deleted = (userId: string) => ({ userId, username: userId });

/** One database file, as the instances of a service share it. */
function tempDatabase(): string {
  const dir = testDir('consumer');
  return join(dir, 'service.db');
}

/** A consumer over its own connection to `file`; its handler records the user ids it deleted. */
function consumerOn(file: string, bus: FakeBus, log: FakeEventLog, overrides: Partial<EventConsumerOptions> = {}) {
  const db: SqliteDatabase = openDatabase(file, { migrations: [] });
  const store = openConsumerStore(db);
  const recorded = recordTelemetry('profile');
  const deletedIds: string[] = [];
  const seen: number[] = [];
  const consumer = createEventConsumer({
    service: 'profile',
    instanceId: overrides.instanceId ?? 'profile#1',
    store,
    handlers: {
      'user.deleted': (event) => {
        deletedIds.push(event.data.userId);
        return { profiles: 1 };
      },
    },
    onEvent: (event) => void seen.push(event.seq),
    bus,
    readLog: log.read,
    telemetry: recorded.telemetry,
    clock: () => 1000,
    ...overrides,
  });
  onTestFinished(() => {
    consumer.close();
    db.close();
  });
  const names = () => recorded.events().map((event) => event.name);
  // A bus message only starts a read of the log: this waits for it (and for any read asked meanwhile).
  const settled = () => consumer.catchUp('test: wait for the reads the announcements started');
  return { consumer, store, deletedIds, seen, recorded, names, settled };
}

describe('event consumer', () => {
  it('applies bus events in order, records them and reports the lag', async () => {
    const bus = createFakeBus();
    const log = createFakeEventLog();
    const { consumer, store, deletedIds, recorded, settled } = consumerOn(tempDatabase(), bus, log);
    await consumer.start();
    await log.emit(bus, 'user.deleted', deleted('u1'), 990);
    await settled();
    expect(deletedIds).toEqual(['u1']);
    expect(consumer.cursor).toBe(1);
    expect(store.page(0, 10)).toEqual([{ seq: 1, eventId: log.events[0]!.eventId, type: 'user.deleted', appliedAt: 1000, appliedBy: 'profile#1', effect: { profiles: 1 } }]);
    expect(recorded.events().find((event) => event.name === 'consumer.applied')?.data).toEqual({ service: 'profile', type: 'user.deleted', seq: 1, eventId: log.events[0]!.eventId, lagMs: 10 });
  });

  it('applies an event delivered twice once, and reports the duplicate', async () => {
    const bus = createFakeBus();
    const log = createFakeEventLog();
    const { consumer, deletedIds, names, settled } = consumerOn(tempDatabase(), bus, log);
    await consumer.start();
    const event = await log.emit(bus, 'user.deleted', deleted('u1'));
    await settled();
    await bus.publish('user.deleted', event);
    await settled();
    expect(deletedIds).toEqual(['u1']);
    expect(names().filter((name) => name.startsWith('consumer.'))).toEqual(['consumer.applied', 'consumer.duplicate']);
  });

  it('applies each event once across two instances over one database, and runs local effects on both', async () => {
    const file = tempDatabase();
    const bus = createFakeBus();
    const log = createFakeEventLog();
    const one = consumerOn(file, bus, log, { instanceId: 'profile#1' });
    const two = consumerOn(file, bus, log, { instanceId: 'profile#2' });
    await Promise.all([one.consumer.start(), two.consumer.start()]);
    await log.emit(bus, 'user.deleted', deleted('u1'));
    await log.emit(bus, 'user.deleted', deleted('u2'));
    await Promise.all([one.settled(), two.settled()]);
    expect([...one.deletedIds, ...two.deletedIds].sort()).toEqual(['u1', 'u2']);
    expect(one.store.page(0, 10).map((event) => event.seq)).toEqual([1, 2]);
    expect([one.consumer.cursor, two.consumer.cursor]).toEqual([2, 2]);
    expect([one.seen, two.seen]).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(two.names()).toContain('consumer.duplicate');
  });

  it('fills a gap in seq from auth’s log, in order', async () => {
    const bus = createFakeBus();
    const log = createFakeEventLog();
    const { consumer, deletedIds } = consumerOn(tempDatabase(), bus, log);
    await consumer.start();
    await log.emit(bus, 'user.deleted', deleted('u1'));
    log.append('user.deleted', deleted('u2'));
    const third = await log.emit(bus, 'user.deleted', deleted('u3'));
    await consumer.catchUp('test: wait for the read the gap started');
    expect(deletedIds).toEqual(['u1', 'u2', 'u3']);
    expect(consumer.cursor).toBe(third.seq);
  });

  it('catches up at start on what was logged while it was down, resuming after its cursor', async () => {
    const file = tempDatabase();
    const bus = createFakeBus();
    const log = createFakeEventLog();
    const before = consumerOn(file, bus, log);
    await before.consumer.start();
    await log.emit(bus, 'user.deleted', deleted('u1'));
    await before.settled();
    before.consumer.close();
    log.append('user.deleted', deleted('u2'));
    log.append('user.deleted', deleted('u3'));
    const after = consumerOn(file, bus, log, { pageLimit: 1 });
    expect(after.consumer.cursor).toBe(1);
    await after.consumer.start();
    expect(after.deletedIds).toEqual(['u2', 'u3']);
    expect(after.consumer.cursor).toBe(3);
  });

  it('reads the log again when the bus lost messages', async () => {
    const bus = createFakeBus();
    const log = createFakeEventLog();
    const { consumer, deletedIds } = consumerOn(tempDatabase(), bus, log);
    await consumer.start();
    bus.lose();
    await log.emit(bus, 'user.deleted', deleted('u1'));
    bus.up();
    await consumer.catchUp('test: wait for the read the reconnection started');
    expect(deletedIds).toEqual(['u1']);
  });

  it('keeps retrying with backoff while auth is unreachable, without failing its start', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    onTestFinished(() => void vi.useRealTimers());
    const bus = createFakeBus();
    const log = createFakeEventLog();
    log.down = true;
    log.append('user.deleted', deleted('u1'));
    const { consumer, deletedIds, names } = consumerOn(tempDatabase(), bus, log, { retryMinMs: 100, retryMaxMs: 400, safetyIntervalMs: 60_000, startGraceMs: 0 });
    await consumer.start();
    expect(deletedIds).toEqual([]);
    expect(names()).toEqual(['consumer.degraded']);
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 400);
    expect(log.reads).toBeGreaterThanOrEqual(5);
    expect(names()).toEqual(['consumer.degraded']);
    log.down = false;
    await vi.advanceTimersByTimeAsync(400);
    expect(deletedIds).toEqual(['u1']);
    expect(names()).toEqual(['consumer.degraded', 'consumer.applied', 'consumer.restored']);
  });

  it('reports an unreachable log only once its start-up grace is over', async () => {
    let now = 0;
    const bus = createFakeBus();
    const log = createFakeEventLog();
    log.down = true;
    const { consumer, names } = consumerOn(tempDatabase(), bus, log, { clock: () => now, startGraceMs: 3000, retryMinMs: 60_000 });
    await consumer.start();
    expect(names()).toEqual([]);
    now = 3000;
    await consumer.catchUp('test: after the grace');
    expect(names()).toEqual(['consumer.degraded']);
  });

  it('advances its cursor over event types it ignores, recording them with an empty effect', async () => {
    const bus = createFakeBus();
    const log = createFakeEventLog();
    const { consumer, store, settled } = consumerOn(tempDatabase(), bus, log);
    await consumer.start();
    await log.emit(bus, 'user.updated', { userId: 'u1', username: 'u1', firstName: 'Ann' });
    await log.emit(bus, 'user.deleted', deleted('u1'));
    await settled();
    expect(consumer.cursor).toBe(2);
    expect(store.page(0, 10).map((event) => [event.type, event.effect])).toEqual([
      ['user.updated', {}],
      ['user.deleted', { profiles: 1 }],
    ]);
  });

  it('leaves an event whose handler fails unapplied, and applies it on a later read', async () => {
    const bus = createFakeBus();
    const log = createFakeEventLog();
    let failing = true;
    const { consumer, store } = consumerOn(tempDatabase(), bus, log, {
      handlers: {
        'user.deleted': () => {
          if (failing) throw new Error('disk full');
          return { profiles: 1 };
        },
      },
    });
    await consumer.start();
    await log.emit(bus, 'user.deleted', deleted('u1'));
    await consumer.catchUp('test: wait for the failed read');
    expect(consumer.cursor).toBe(0);
    expect(store.page(0, 10)).toEqual([]);
    failing = false;
    await consumer.catchUp('test: read again');
    expect(store.page(0, 10).map((event) => event.effect)).toEqual([{ profiles: 1 }]);
  });

  it('ignores malformed bus messages', async () => {
    const bus = createFakeBus();
    const log = createFakeEventLog();
    const { consumer, store } = consumerOn(tempDatabase(), bus, log);
    await consumer.start();
    await bus.publish('user.deleted', { seq: 'one' });
    await bus.publish('user.deleted', { ...domainEvent(1, 'user.deleted', deleted('u1')), data: null } as unknown as DomainEvent);
    expect(store.page(0, 10)).toEqual([]);
    expect(consumer.cursor).toBe(0);
  });
});
