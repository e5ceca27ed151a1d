import type { AppliedEvent, DomainEvent, DomainEventType } from '../../contract/events-api.js';
import type { SqliteDatabase } from '../sqlite.js';

/** What a handler changed: counts by kind (`{ profiles: 1 }`), never the data itself. */
export type EventEffect = Readonly<Record<string, number>>;

/** The outcome of one `apply`. */
export type ApplyOutcome =
  /** This call ran the handler and recorded the event. */
  | { readonly applied: true; readonly record: AppliedEvent }
  /** The event was applied before (by this instance or another one sharing the database): nothing ran. */
  | { readonly applied: false; readonly record: AppliedEvent };

/** Options of one `apply`. */
export interface ApplyOptions {
  /** The instance applying it (`profile#2`). */
  readonly appliedBy: string;
  /** Epoch ms. */
  readonly now: number;
  /** Changes the service's own tables; runs inside the transaction that records the event. */
  readonly handler: (event: DomainEvent) => EventEffect;
}

/** The domain events a service applied, in its own database. */
export interface ConsumerStore {
  /**
   * Runs `handler` and records `event` in one IMMEDIATE transaction, unless its id is recorded
   * already: every instance over the database applies an event at most once. A handler that
   * throws rolls both back (the event stays unapplied) and the error propagates.
   */
  apply(event: DomainEvent, options: ApplyOptions): ApplyOutcome;
  /**
   * The highest seq applied. Consumers apply in seq order, so every lower seq is applied too:
   * it is the consumer's cursor (0 before the first event).
   */
  cursor(): number;
  /** Applied events with a seq above `after`, oldest first. */
  page(after: number, limit: number): AppliedEvent[];
}

// IF NOT EXISTS, outside the service's numbered migrations: any service's database can carry it.
const schema = `
  CREATE TABLE IF NOT EXISTS consumer_applied_events (
    event_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    applied_at INTEGER NOT NULL,
    applied_by TEXT NOT NULL,
    effect TEXT NOT NULL CHECK (json_valid(effect))
  ) STRICT;
  CREATE INDEX IF NOT EXISTS consumer_applied_events_by_seq ON consumer_applied_events (seq);
`;

interface AppliedRow {
  event_id: string;
  seq: number;
  type: DomainEventType;
  applied_at: number;
  applied_by: string;
  effect: string;
}

const toApplied = (row: AppliedRow): AppliedEvent => ({
  seq: row.seq,
  eventId: row.event_id,
  type: row.type,
  appliedAt: row.applied_at,
  appliedBy: row.applied_by,
  effect: JSON.parse(row.effect) as Record<string, number>,
});

/** Creates the consumer's table in `db` (the service's database, which the caller owns) and prepares its statements. */
export function openConsumerStore(db: SqliteDatabase): ConsumerStore {
  db.transaction(() => db.exec(schema)).immediate();
  const select = db.prepare<[string], AppliedRow>('SELECT * FROM consumer_applied_events WHERE event_id = ?');
  const insert = db.prepare<[string, number, string, number, string, string]>(
    'INSERT INTO consumer_applied_events (event_id, seq, type, applied_at, applied_by, effect) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const highest = db.prepare<[], number>('SELECT coalesce(max(seq), 0) FROM consumer_applied_events').pluck();
  const after = db.prepare<[number, number], AppliedRow>('SELECT * FROM consumer_applied_events WHERE seq > ? ORDER BY seq LIMIT ?');

  const applyOnce = db.transaction((event: DomainEvent, options: ApplyOptions): ApplyOutcome => {
    const existing = select.get(event.eventId);
    if (existing) return { applied: false, record: toApplied(existing) };
    const effect = options.handler(event);
    insert.run(event.eventId, event.seq, event.type, options.now, options.appliedBy, JSON.stringify(effect));
    return { applied: true, record: { seq: event.seq, eventId: event.eventId, type: event.type, appliedAt: options.now, appliedBy: options.appliedBy, effect } };
  });

  return {
    apply: (event, options) => applyOnce.immediate(event, options),
    cursor: () => highest.get()!,
    page: (from, limit) => after.all(from, limit).map(toApplied),
  };
}
