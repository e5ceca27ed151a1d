import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DomainEvent, DomainEventData, DomainEventType, EventLogPage } from '../src/contract/events-api.js';
import type { BusClient } from '../src/kit/clients/bus-client.js';
import { EventLogUnavailableError, type ReadEventLog } from '../src/kit/events/event-log.js';
import { openConsumerStore, type ConsumerStore } from '../src/kit/events/consumer-store.js';
import { eventHandlerOf, type EventHandlers } from '../src/kit/events/event-handlers.js';
import type { SqliteDatabase } from '../src/kit/sqlite.js';

/** A domain event for tests: `seq`, a fresh id, occurred at `occurredAt` (default 0). */
export function domainEvent<T extends DomainEventType>(seq: number, type: T, data: DomainEventData[T], occurredAt = 0): DomainEvent<T> {
  return { seq, eventId: randomUUID(), type, occurredAt, data };
}

/**
 * The consumer store of a service's database with one event applied, as `<service>#1` would at
 * time 5: user.deleted (seq 1) of user u1 through `handlers`.
 */
export function consumerStoreWithOneEvent(db: SqliteDatabase, service: string, handlers: EventHandlers): { applied: ConsumerStore; event: DomainEvent<'user.deleted'> } {
  const applied = openConsumerStore(db);
  const event = domainEvent(1, 'user.deleted', { userId: 'u1', username: 'ann' });
  applied.apply(event, { appliedBy: `${service}#1`, now: 5, handler: eventHandlerOf(handlers, event.type) });
  return { applied, event };
}

/** An in-process stand-in for auth's event log and relay. */
export interface FakeEventLog {
  /** Every event appended, in seq order. */
  readonly events: DomainEvent[];
  /** Reads the log, as createEventLogReader does, answering on a later turn of the event loop (as over HTTP); throws EventLogUnavailableError while `down`. */
  readonly read: ReadEventLog;
  /** When true, reads fail as if auth were unreachable. */
  down: boolean;
  /** Reads attempted so far (failed ones included). */
  readonly reads: number;
  /** Appends the next event (seq = last + 1) without publishing it. */
  append<T extends DomainEventType>(type: T, data: DomainEventData[T], occurredAt?: number): DomainEvent<T>;
  /** Appends the next event and publishes it on `bus` to its type's topic, as auth's relay does. */
  emit<T extends DomainEventType>(bus: Pick<BusClient, 'publish'>, type: T, data: DomainEventData[T], occurredAt?: number): Promise<DomainEvent<T>>;
}

/** Creates an empty FakeEventLog. */
export function createFakeEventLog(): FakeEventLog {
  const events: DomainEvent[] = [];
  let reads = 0;
  const log: FakeEventLog = {
    events,
    down: false,
    get reads() {
      return reads;
    },
    async read(after, limit): Promise<EventLogPage> {
      reads += 1;
      const down = log.down;
      const page = { events: events.filter((event) => event.seq > after).slice(0, limit), latestSeq: events.at(-1)?.seq ?? 0 };
      await nextTurn();
      if (down) throw new EventLogUnavailableError('auth could not be reached');
      return page;
    },
    append(type, data, occurredAt = 0) {
      const event = domainEvent(events.length + 1, type, data, occurredAt);
      events.push(event);
      return event;
    },
    async emit(bus, type, data, occurredAt) {
      const event = log.append(type, data, occurredAt);
      await bus.publish(type, event);
      return event;
    },
  };
  return log;
}
