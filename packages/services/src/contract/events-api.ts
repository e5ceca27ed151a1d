/**
 * Domain events: what auth tells the services that keep copies of a user's data, so they
 * become consistent with it eventually (seed 004).
 *
 * Auth writes each event into its `events` table in the same SQLite transaction as the change
 * it describes (a transactional outbox). A relay publishes unpublished rows, in `seq` order, to
 * the bus topic named by the event's `type`, with the whole `DomainEvent` as message data, and
 * marks them published. Publishing is at-least-once: an event can arrive twice, or arrive again
 * after a restart, so every consumer applies an `eventId` at most once.
 *
 * The outbox is also the durable event log: `GET /auth/internal/events?after=SEQ&limit=N`
 * (scope `auth.events.read`) → `EventLogPage`, and the only source consumers apply from: anyone
 * who reaches the bus can publish on it, so a bus message only announces an event, and makes
 * the consumer read the log after the last `seq` it applied (as do a start, a bus that lost its
 * state, and a periodic safety net). An announcement the log contradicts is a forgery
 * (`events.forged_rejected`).
 *
 * Each consumer service answers `GET /<service>/internal/events/applied?after=SEQ&limit=N`
 * (scope `<service>.events`) → `AppliedEventsPage`: what it has applied, for `topolab events`
 * and for scenarios measuring the time until every service is consistent.
 */

/** Bus topics of domain events. */
export const domainEventTypes = Object.freeze({
  /** A user deleted their account (`UserDeletedData`). */
  userDeleted: 'user.deleted',
  /** A user changed their name (`UserUpdatedData`). */
  userUpdated: 'user.updated',
} as const);

/** One domain event type. */
export type DomainEventType = (typeof domainEventTypes)[keyof typeof domainEventTypes];

/** Data of `user.deleted`. */
export interface UserDeletedData {
  readonly userId: string;
  readonly username: string;
}

/** Data of `user.updated`: the user's names after the change. */
export interface UserUpdatedData {
  readonly userId: string;
  readonly username: string;
  readonly firstName: string;
}

/** Data by event type. */
export interface DomainEventData {
  readonly 'user.deleted': UserDeletedData;
  readonly 'user.updated': UserUpdatedData;
}

/** One event, as stored in auth's log and as published on the bus. */
export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  /** Position in auth's log: from 1, growing, never reused. */
  readonly seq: number;
  /** A UUID: consumers apply each id at most once. */
  readonly eventId: string;
  readonly type: T;
  /** Epoch ms the change was committed. */
  readonly occurredAt: number;
  /** Epoch ms the relay published it; absent while it waits in the outbox. */
  readonly publishedAt?: number;
  readonly data: DomainEventData[T];
}

/** `GET /auth/internal/events` answer. */
export interface EventLogPage {
  readonly events: readonly DomainEvent[];
  /** The newest seq in the log (0 when empty). */
  readonly latestSeq: number;
}

/** One event a consumer applied. */
export interface AppliedEvent {
  readonly seq: number;
  readonly eventId: string;
  readonly type: DomainEventType;
  /** Epoch ms it was applied. */
  readonly appliedAt: number;
  /** The instance that applied it (`profile#2`). */
  readonly appliedBy: string;
  /** What it changed (`{ profiles: 1, preferences: 1 }`): counts, never the data. */
  readonly effect: Readonly<Record<string, number>>;
}

/** `GET /<service>/internal/events/applied` answer. */
export interface AppliedEventsPage {
  readonly service: string;
  readonly events: readonly AppliedEvent[];
  /** The highest seq below which every event has been applied (the consumer's cursor). */
  readonly cursor: number;
}
