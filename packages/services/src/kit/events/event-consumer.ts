import { domainEventTypes, type DomainEvent } from '../../contract/events-api.js';
import type { BusClient, BusSubscription, BusSubscriptionStatus } from '../clients/bus-client.js';
import type { Telemetry } from '../telemetry.js';
import { createAnnouncedEvents } from './announced-events.js';
import type { ApplyOutcome, ConsumerStore } from './consumer-store.js';
import { eventHandlerOf, isDomainEvent, type EventHandlers } from './event-handlers.js';
import type { ReadEventLog } from './event-log.js';
import { createRetryingRun } from './retrying-run.js';

/** Options of createEventConsumer. */
export interface EventConsumerOptions {
  /** The consuming service (`profile`), named in events. */
  readonly service: string;
  /** This instance (`profile#2`): the `appliedBy` of what it applies. */
  readonly instanceId: string;
  readonly store: ConsumerStore;
  readonly handlers: EventHandlers;
  /**
   * Runs on this instance for every event it reaches, once its database part is done (here or
   * by another instance): per-instance state such as caches and sockets. Errors are logged.
   */
  readonly onEvent?: (event: DomainEvent, outcome: ApplyOutcome) => void;
  /** The topology's bus (embedded or Redis Streams): announcements that make the consumer read the log at once. */
  readonly bus: Pick<BusClient, 'subscribe'>;
  /** Auth's durable log (a service token reads it): the only source of the events applied. */
  readonly readLog: ReadEventLog;
  readonly telemetry: Telemetry;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
  /** How often the log is read anyway, as a safety net. @default 5000 */
  readonly safetyIntervalMs?: number;
  /** Events per log read. @default 100 */
  readonly pageLimit?: number;
  /** Ceiling of the first retry's delay after a failed read (full jitter below it, kit/backoff.ts); doubles up to `retryMaxMs`. @default 200 */
  readonly retryMinMs?: number;
  /** @default 5000 */
  readonly retryMaxMs?: number;
  /**
   * How long after `start` failed reads are not reported while none has succeeded yet: at a
   * topology's start auth may come up a moment after its consumers. @default 3000
   */
  readonly startGraceMs?: number;
}

/** A running consumer of domain events. */
export interface EventConsumer {
  /** Subscribes, arms the safety net and makes one catch-up attempt; resolves when it ends or after `firstAttemptMs` (default 1000). Never rejects. */
  start(firstAttemptMs?: number): Promise<void>;
  /** Every seq up to this one has been processed by this instance. */
  readonly cursor: number;
  /** Reads the log after the cursor now; resolves when that read (and any asked for meanwhile) ends. Never rejects. */
  catchUp(reason: string): Promise<void>;
  close(): void;
}

/** Why an announced event is a forgery (`events.forged_rejected`). */
export type ForgeryReason =
  /** Auth's log holds no event at its seq, although the read began after it was announced (auth logs an event before publishing it). */
  | 'not-in-log'
  /** Auth's log holds another event at its seq (another eventId, type or data). */
  | 'differs-from-log';

// Forgeries remembered so that a redelivered one is reported once.
const maxReported = 1000;

/**
 * At-least-once, idempotent, in-order consumption of auth's domain events, applied only from
 * auth's log. Anyone who reaches the bus can publish on it (a forged `user.deleted` with the
 * next seq must change nothing), so a bus message is an announcement: it makes the consumer read
 * the log after its cursor (reads coalesce), which applies what is new in seq order; an
 * announcement the log contradicts is a forgery, reported once as `events.forged_rejected`.
 * A redelivery of an applied event (same seq, eventId and type) is a `consumer.duplicate`. The
 * log is also read at start, when a bus stream (re)connects or lost messages, and every
 * `safetyIntervalMs`; a failed read is retried with backoff. Each event is applied in one
 * transaction with its record (ConsumerStore), so the same event reaching another instance
 * changes nothing.
 */
export function createEventConsumer(options: EventConsumerOptions): EventConsumer {
  const { service, instanceId, store, telemetry } = options;
  const clock = options.clock ?? Date.now;
  const pageLimit = options.pageLimit ?? 100;
  let cursor = store.cursor();
  let closed = false;
  let degraded = false;
  let succeededOnce = false;
  let startedAt = 0;
  let warnedBehind = false;
  let safety: NodeJS.Timeout | undefined;
  let subscriptions: BusSubscription[] = [];
  const announced = createAnnouncedEvents();
  const reported = new Set<string>();

  function applyEvent(event: DomainEvent): void {
    const now = clock();
    const handler = eventHandlerOf(options.handlers, event.type);
    const outcome = store.apply(event, { appliedBy: instanceId, now, handler });
    cursor = event.seq;
    const facts = { service, type: event.type, seq: event.seq, eventId: event.eventId };
    if (outcome.applied) telemetry.event('consumer.applied', { ...facts, lagMs: Math.max(0, now - event.occurredAt) });
    else telemetry.event('consumer.duplicate', { ...facts, appliedBy: outcome.record.appliedBy });
    try {
      options.onEvent?.(event, outcome);
    } catch (error) {
      telemetry.warn('an event’s local effect failed', { ...facts, error });
    }
  }

  // Once per forged message (a bus redelivers); the log line names it by type, seq and ids only.
  function rejectForged(event: DomainEvent, reason: ForgeryReason, logged?: DomainEvent): void {
    const type = event.type.slice(0, 64);
    const eventId = event.eventId.slice(0, 64);
    const key = `${event.seq} ${eventId} ${type}`;
    if (reported.has(key)) return;
    reported.add(key);
    if (reported.size > maxReported) reported.delete(reported.values().next().value!);
    telemetry.event('events.forged_rejected', { service, type, seq: event.seq, reason });
    telemetry.warn('rejected a forged domain event: auth’s log does not hold it', { service, type, seq: event.seq, eventId, reason, ...(logged ? { loggedEventId: logged.eventId } : {}) });
  }

  // Reads the log from below every pending announcement, applies what is new and judges the announcements.
  async function readAll(): Promise<void> {
    const mark = announced.mark();
    const lowest = announced.lowestSeq();
    const from = lowest === undefined ? cursor : Math.min(cursor, lowest - 1);
    let after = from;
    let latestSeq = 0;
    for (;;) {
      const page = await options.readLog(after, pageLimit);
      latestSeq = page.latestSeq;
      if (page.latestSeq < cursor && !warnedBehind) {
        warnedBehind = true;
        telemetry.warn('auth’s event log ends before this service’s cursor: was auth’s database replaced?', { service, cursor, latestSeq: page.latestSeq });
      }
      for (const event of page.events) {
        if (closed) return;
        if (!isDomainEvent(event)) throw new Error(`auth's log holds a malformed event after seq ${after}`);
        for (const forged of announced.settle(event)) rejectForged(forged, 'differs-from-log', event);
        if (event.seq > cursor) applyEvent(event);
        after = Math.max(after, event.seq);
      }
      if (page.events.length < pageLimit || after >= page.latestSeq) break;
    }
    if (closed) return;
    // Auth logs an event before it publishes it: one announced before this read began, at a seq the read covered or past the log's end, is not auth's.
    const unlogged = announced.takeUnlogged(mark, (seq) => seq > from && (seq <= after || seq > latestSeq));
    for (const forged of unlogged) rejectForged(forged, 'not-in-log');
  }

  function succeeded(): void {
    succeededOnce = true;
    if (!degraded) return;
    degraded = false;
    telemetry.event('consumer.restored', { service, cursor });
    telemetry.info('domain events flow again', { service, cursor });
  }

  function failed(error: unknown, retryMs: number): void {
    const reason = error instanceof Error ? error.message : String(error);
    const starting = !succeededOnce && clock() - startedAt < (options.startGraceMs ?? 3000);
    if (starting) telemetry.debug('auth’s event log is not reachable yet; retrying', { service, reason, retryMs });
    else if (!degraded) {
      degraded = true;
      telemetry.event('consumer.degraded', { service, cursor, reason });
      telemetry.warn('cannot catch up on domain events; retrying with backoff', { service, cursor, reason, retryMs });
    }
  }

  const reads = createRetryingRun({ run: readAll, onSuccess: succeeded, onFailure: failed, retryMinMs: options.retryMinMs ?? 200, retryMaxMs: options.retryMaxMs ?? 5000 });

  function catchUp(reason: string): Promise<void> {
    telemetry.debug('reading auth’s event log', { service, after: cursor, reason });
    return reads.request();
  }

  // Whether this instance applied `event` already (its seq, id and type): a bus redelivery.
  function isApplied(event: DomainEvent): boolean {
    if (event.seq > cursor) return false;
    const [record] = store.page(event.seq - 1, 1);
    return record?.seq === event.seq && record.eventId === event.eventId && record.type === event.type;
  }

  // A bus message only announces an event: what is applied comes from the log, which also judges the announcement.
  function onMessage(message: { data: unknown }): void {
    const event = message.data;
    if (closed) return;
    if (!isDomainEvent(event)) return telemetry.warn('ignored a malformed domain event', { service });
    if (isApplied(event)) return telemetry.event('consumer.duplicate', { service, type: event.type, seq: event.seq, eventId: event.eventId });
    if (!announced.add(event)) telemetry.debug('announcement not kept (the same one is pending, or too many are); the log read covers its seq anyway', { service, seq: event.seq, pending: announced.size });
    void catchUp(`announced seq ${event.seq}`);
  }

  function onStatus(status: BusSubscriptionStatus): void {
    // A stream that (re)connects resumes from its own seq, but events published before it did are only in the log.
    if (status.state === 'connected' || status.state === 'lost') void catchUp(`bus ${status.state}`);
  }

  return {
    async start(firstAttemptMs = 1000) {
      if (closed || subscriptions.length > 0) return;
      startedAt = clock();
      subscriptions = Object.values(domainEventTypes).map((topic) => options.bus.subscribe<DomainEvent>(topic, { onMessage, onStatus }));
      safety = setInterval(() => void catchUp('periodic'), options.safetyIntervalMs ?? 5000);
      safety.unref();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([catchUp('start'), new Promise<void>((resolve) => (timer = setTimeout(resolve, firstAttemptMs)))]);
      clearTimeout(timer);
    },
    get cursor() {
      return cursor;
    },
    catchUp,
    close() {
      closed = true;
      reads.close();
      announced.clear();
      clearInterval(safety);
      for (const subscription of subscriptions) subscription.close();
      subscriptions = [];
    },
  };
}
