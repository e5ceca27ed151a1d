import { randomUUID } from 'node:crypto';
import type { DomainEvent, DomainEventData, DomainEventType, EventLogPage } from '../contract/events-api.js';
import type { SqliteDatabase } from '../kit/sqlite.js';

/**
 * Auth's `events` table: the transactional outbox (an event is inserted in the same
 * transaction as the change it describes, so there is never a change without its event nor an
 * event without its change) and the durable event log consumers read to catch up.
 */
export interface EventLog {
  /** Inserts an unpublished event; call it inside the transaction of the change it describes. */
  append<T extends DomainEventType>(type: T, data: DomainEventData[T], now: number): DomainEvent<T>;
  /** Events with `seq > after`, oldest first, at most `limit`, and the newest seq. */
  page(after: number, limit: number): EventLogPage;
  /** Whether some event waits to be published: a plain read, so an idle relay's poll takes no write lock. */
  hasUnpublished(): boolean;
  /**
   * Takes (or renews) the relay lease for `holder` until `now + leaseMs` and answers the oldest
   * unpublished events, at most `limit`; undefined while another holder's lease runs. With
   * nothing left to publish the lease is given up.
   */
  claim(holder: string, now: number, leaseMs: number, limit: number): DomainEvent[] | undefined;
  /** Marks `seq` published (unless it already is) and renews `holder`'s lease; false when the lease is no longer `holder`'s. */
  markPublished(holder: string, seq: number, now: number, leaseMs: number): boolean;
  /** Gives up `holder`'s lease, if it has it. */
  release(holder: string): void;
}

interface EventRow {
  readonly seq: number;
  readonly eventId: string;
  readonly type: DomainEventType;
  readonly data: string;
  readonly occurredAt: number;
  readonly publishedAt: number | null;
}

const eventColumns = 'seq, event_id AS eventId, type, data, occurred_at AS occurredAt, published_at AS publishedAt';

function toEvent(row: EventRow): DomainEvent {
  const { publishedAt, data, ...rest } = row;
  return { ...rest, ...(publishedAt === null ? {} : { publishedAt }), data: JSON.parse(data) as DomainEvent['data'] };
}

/** Builds the event log on auth's open, migrated database; `transaction` is the store's (IMMEDIATE). */
export function createEventLog(db: SqliteDatabase, transaction: <T>(fn: () => T) => T): EventLog {
  const statements = {
    insert: db.prepare<[string, string, string, number], { seq: number }>(
      'INSERT INTO events (event_id, type, data, occurred_at) VALUES (?, ?, ?, ?) RETURNING seq',
    ),
    after: db.prepare<[number, number], EventRow>(`SELECT ${eventColumns} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`),
    latestSeq: db.prepare<[], number>('SELECT COALESCE(MAX(seq), 0) FROM events').pluck(),
    anyUnpublished: db.prepare<[], number>('SELECT 1 FROM events WHERE published_at IS NULL LIMIT 1').pluck(),
    unpublished: db.prepare<[number], EventRow>(`SELECT ${eventColumns} FROM events WHERE published_at IS NULL ORDER BY seq LIMIT ?`),
    markPublished: db.prepare('UPDATE events SET published_at = ? WHERE seq = ? AND published_at IS NULL'),
    lease: db.prepare<[], { holder: string; expiresAt: number }>('SELECT holder, expires_at AS expiresAt FROM event_relay_lease WHERE id = 1'),
    takeLease: db.prepare(
      `INSERT INTO event_relay_lease (id, holder, expires_at) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at`,
    ),
    renewLease: db.prepare('UPDATE event_relay_lease SET expires_at = ? WHERE id = 1 AND holder = ?'),
    release: db.prepare('DELETE FROM event_relay_lease WHERE id = 1 AND holder = ?'),
  };
  // Pages are read in one deferred transaction, so latestSeq is never older than the page and no write lock is taken.
  const readPage = db.transaction((after: number, limit: number): EventLogPage => ({
    events: statements.after.all(after, limit).map(toEvent),
    latestSeq: statements.latestSeq.get()!,
  }));

  return {
    append(type, data, now) {
      const eventId = randomUUID();
      const { seq } = statements.insert.get(eventId, type, JSON.stringify(data), now)!;
      return { seq, eventId, type, occurredAt: now, data };
    },
    page(after, limit) {
      return readPage.deferred(after, limit);
    },
    hasUnpublished: () => statements.anyUnpublished.get() !== undefined,
    claim(holder, now, leaseMs, limit) {
      return transaction(() => {
        const lease = statements.lease.get();
        if (lease && lease.holder !== holder && lease.expiresAt > now) return undefined;
        const rows = statements.unpublished.all(limit);
        if (rows.length === 0) statements.release.run(holder);
        else statements.takeLease.run(holder, now + leaseMs);
        return rows.map(toEvent);
      });
    },
    markPublished(holder, seq, now, leaseMs) {
      return transaction(() => {
        statements.markPublished.run(now, seq);
        return statements.renewLease.run(now + leaseMs, holder).changes === 1;
      });
    },
    release: (holder) => void statements.release.run(holder),
  };
}
