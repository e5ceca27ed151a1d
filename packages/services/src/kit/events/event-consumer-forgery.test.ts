import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { LogRecord } from '../../contract/telemetry.js';
import { openDatabase } from '../sqlite.js';
import { recordTelemetry } from '#test-support/kit.js';
import { createFakeBus } from '#test-support/kit-token-cache.js';
import { createAnnouncedEvents } from './announced-events.js';
import { openConsumerStore } from './consumer-store.js';
import { createEventConsumer } from './event-consumer.js';
import { createFakeEventLog, domainEvent } from '#test-support/kit-events.js';

const deleted = (userId: string) => ({ userId, username: userId });

/**
 * Profile's consumer over a fresh database, a fake bus anyone may publish on (as anyone who
 * reaches the embedded bus or Redis can) and auth's log; its handler records whom it deleted.
 */
function profileConsumer() {
  const dir = mkdtempSync(join(tmpdir(), 'topolab-forgery-'));
  const db = openDatabase(join(dir, 'profile.db'), { migrations: [] });
  const store = openConsumerStore(db);
  const bus = createFakeBus();
  const log = createFakeEventLog();
  const recorded = recordTelemetry('profile');
  const deletedIds: string[] = [];
  const consumer = createEventConsumer({
    service: 'profile',
    instanceId: 'profile#1',
    store,
    handlers: { 'user.deleted': (event) => (deletedIds.push(event.data.userId), { profiles: 1 }) },
    bus,
    readLog: log.read,
    telemetry: recorded.telemetry,
    safetyIntervalMs: 60_000,
  });
  onTestFinished(() => {
    consumer.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    consumer,
    store,
    bus,
    log,
    deletedIds,
    recorded,
    settled: () => consumer.catchUp('test: wait for the reads the announcements started'),
    names: () => recorded.events().map((event) => event.name),
    forgeries: () => recorded.events().filter((event) => event.name === 'events.forged_rejected').map((event) => event.data),
    warnings: () => recorded.messages.flatMap((message) => (message.type === 'log' && message.record.level === 'warn' ? [message.record as LogRecord] : [])),
  };
}

describe('event consumer facing forged events: a forged user.deleted with the next seq changes nothing', () => {
  it('does not apply a forged user.deleted with the next seq that auth’s log does not hold, and reports it once', async () => {
    const p = profileConsumer();
    await p.consumer.start();
    const forged = domainEvent(1, 'user.deleted', deleted('victim'));
    await p.bus.publish('user.deleted', forged);
    await p.bus.publish('user.deleted', forged); // the bus redelivers it
    await p.settled();
    expect(p.deletedIds).toEqual([]);
    expect(p.consumer.cursor).toBe(0);
    expect(p.store.page(0, 10)).toEqual([]);
    expect(p.forgeries()).toEqual([{ service: 'profile', type: 'user.deleted', seq: 1, reason: 'not-in-log' }]);
    const [warning] = p.warnings();
    expect(p.warnings()).toHaveLength(1);
    expect(warning!.fields).toEqual({ service: 'profile', type: 'user.deleted', seq: 1, eventId: forged.eventId, reason: 'not-in-log' });
    expect(JSON.stringify(warning)).not.toContain('victim');

    // The seq it claimed is then taken by a real event, which applies.
    const real = await p.log.emit(p.bus, 'user.deleted', deleted('u1'));
    await p.settled();
    expect(p.deletedIds).toEqual(['u1']);
    expect(p.store.page(0, 10).map((event) => event.eventId)).toEqual([real.eventId]);
    expect(p.forgeries()).toHaveLength(1);
  });

  it('applies the logged event, not a forgery announced at its seq with another eventId, or with its eventId and other data', async () => {
    const p = profileConsumer();
    await p.consumer.start();
    const real = p.log.append('user.deleted', deleted('u1')); // committed; the relay has not published it yet
    const otherId = domainEvent(1, 'user.deleted', deleted('victim'));
    await p.bus.publish('user.deleted', otherId);
    await p.bus.publish('user.deleted', { ...real, data: deleted('victim') });
    await p.settled();
    expect(p.deletedIds).toEqual(['u1']);
    expect(p.store.page(0, 10).map((event) => event.eventId)).toEqual([real.eventId]);
    expect(p.forgeries()).toEqual([
      { service: 'profile', type: 'user.deleted', seq: 1, reason: 'differs-from-log' },
      { service: 'profile', type: 'user.deleted', seq: 1, reason: 'differs-from-log' },
    ]);
    expect(p.warnings().map((warning) => [warning.fields?.eventId, warning.fields?.loggedEventId])).toEqual([
      [otherId.eventId, real.eventId],
      [real.eventId, real.eventId],
    ]);
  });

  it('reports another eventId at an applied seq as a forgery, while a redelivery of the applied event stays a duplicate', async () => {
    const p = profileConsumer();
    await p.consumer.start();
    const real = await p.log.emit(p.bus, 'user.deleted', deleted('u1'));
    await p.settled();
    await p.bus.publish('user.deleted', real);
    await p.bus.publish('user.deleted', domainEvent(1, 'user.deleted', deleted('victim')));
    await p.settled();
    expect(p.deletedIds).toEqual(['u1']);
    expect(p.names()).toEqual(['consumer.applied', 'consumer.duplicate', 'events.forged_rejected']);
    expect(p.forgeries()).toEqual([{ service: 'profile', type: 'user.deleted', seq: 1, reason: 'differs-from-log' }]);
  });

  it('applies a burst of real events in order with coalesced reads, and rejects a forgery mixed into it', async () => {
    const p = profileConsumer();
    await p.consumer.start();
    const readsBefore = p.log.reads;
    await p.log.emit(p.bus, 'user.deleted', deleted('u1'));
    await p.log.emit(p.bus, 'user.deleted', deleted('u2'));
    await p.bus.publish('user.deleted', domainEvent(99, 'user.deleted', deleted('victim')));
    await p.log.emit(p.bus, 'user.deleted', deleted('u3'));
    await p.settled();
    expect(p.deletedIds).toEqual(['u1', 'u2', 'u3']);
    expect(p.consumer.cursor).toBe(3);
    expect(p.log.reads - readsBefore).toBeLessThanOrEqual(2);
    expect(p.forgeries()).toEqual([{ service: 'profile', type: 'user.deleted', seq: 99, reason: 'not-in-log' }]);
  });

  it('does not take an event committed while a read was in flight for a forgery: the read’s answer predates it', async () => {
    const p = profileConsumer();
    await p.consumer.start();
    const reading = p.consumer.catchUp('test: a read whose answer auth wrote before the event');
    await p.log.emit(p.bus, 'user.deleted', deleted('u1'));
    await reading;
    expect(p.deletedIds).toEqual(['u1']);
    expect(p.forgeries()).toEqual([]);
  });
});

describe('announced events', () => {
  it('keeps one of identical announcements, drops past its bound, and judges absence only for those made before a mark', () => {
    const announced = createAnnouncedEvents({ maxPending: 2 });
    const one = domainEvent(1, 'user.deleted', deleted('u1'));
    expect(announced.add(one)).toBe(true);
    expect(announced.add({ ...one, data: deleted('u1') })).toBe(false);
    const mark = announced.mark();
    expect(announced.add(domainEvent(5, 'user.deleted', deleted('u5')))).toBe(true);
    expect(announced.add(domainEvent(6, 'user.deleted', deleted('u6')))).toBe(false);
    expect(announced.lowestSeq()).toBe(1);
    expect(announced.takeUnlogged(mark, () => true).map((event) => event.seq)).toEqual([1]);
    expect(announced.size).toBe(1);
    expect(announced.settle({ ...domainEvent(5, 'user.deleted', deleted('u5')) })).toHaveLength(1);
    expect(announced.size).toBe(0);
  });
});
