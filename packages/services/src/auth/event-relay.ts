import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '../contract/events-api.js';
import { backoffDelay } from '../kit/backoff.js';
import type { Telemetry } from '../kit/telemetry.js';
import type { EventLog } from './event-log.js';
import type { AuthBus } from './token-events.js';

/** Options of createEventRelay. */
export interface EventRelayOptions {
  readonly log: EventLog;
  readonly bus: AuthBus;
  readonly telemetry: Telemetry;
  /** Epoch ms now, for leases and `publishedAt`. */
  readonly clock: () => number;
  /** How often the outbox is looked at without a kick (rows of a crashed instance, an expired lease). @default 1000 */
  readonly pollMs?: number;
  /** Ceiling of the first retry's delay while the bus fails (full jitter below it, kit/backoff.ts); doubled after each failure. @default 200 */
  readonly minDelayMs?: number;
  /** Longest delay between two retries. @default 2000 */
  readonly maxDelayMs?: number;
  /** How long the relay lease lasts without renewal: how long others wait for a relay that died. @default 3000 */
  readonly leaseMs?: number;
  /** Events claimed at once. @default 100 */
  readonly batchSize?: number;
}

/** Publishes the outbox in the background. */
export interface EventRelay {
  /** Looks at the outbox now (call it right after committing an event); never rejects. */
  kick(): void;
  /** Stops polling and retrying, and gives up the lease (what is unpublished stays in the outbox). */
  close(): void;
}

/**
 * The relay of the transactional outbox: publishes unpublished events in `seq` order, each to
 * the bus topic named by its type with the whole event as data, and marks them published
 * (event `auth.event.published` `{ type, seq, eventId }`). Instances sharing the database take
 * turns through a lease in it, so one publishes at a time and in order; one that dies (or
 * pauses past its lease) is taken over, and may publish an event twice: delivery is
 * at-least-once and consumers apply each `eventId` once. While the bus fails, the relay retries
 * with backoff (event `auth.event.failed` `{ type, seq, eventId, attempts }`).
 */
export function createEventRelay(options: EventRelayOptions): EventRelay {
  const { log, bus, telemetry, clock } = options;
  const pollMs = options.pollMs ?? 1000;
  const minDelayMs = options.minDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 2000;
  const leaseMs = options.leaseMs ?? 3000;
  const batchSize = options.batchSize ?? 100;
  const holder = randomUUID();
  let running = false;
  let again = false;
  let closed = false;
  let failures = 0;
  // Whether this relay took the lease and has not seen the outbox empty since (then it must claim, to give the lease up).
  let holding = false;
  let timer: NodeJS.Timeout | undefined;

  function schedule(delayMs: number): void {
    clearTimeout(timer);
    if (closed) return;
    timer = setTimeout(kick, delayMs);
    timer.unref();
  }

  // One event: false when it could not be published, or the lease was lost meanwhile.
  async function publish(event: DomainEvent): Promise<boolean> {
    const facts = { type: event.type, seq: event.seq, eventId: event.eventId };
    try {
      await bus.publish(event.type, event);
    } catch (error) {
      failures++;
      const reason = error instanceof Error ? error.message : String(error);
      telemetry.event('auth.event.failed', { ...facts, attempts: failures });
      if (failures === 1) telemetry.warn('domain event not published; retrying', { ...facts, reason });
      return false;
    }
    failures = 0;
    const stillMine = log.markPublished(holder, event.seq, clock(), leaseMs);
    telemetry.event('auth.event.published', facts);
    return stillMine;
  }

  // Claims and publishes batches until the outbox is empty, another relay holds it, or the bus fails.
  async function drain(): Promise<number> {
    for (;;) {
      if (!holding && !log.hasUnpublished()) return pollMs;
      const batch = log.claim(holder, clock(), leaseMs, batchSize);
      holding = batch !== undefined && batch.length > 0;
      if (!batch || batch.length === 0) return pollMs;
      for (const event of batch) {
        if (closed) return pollMs;
        if (!(await publish(event))) return failures > 0 ? backoffDelay(failures - 1, { baseMs: minDelayMs, maxMs: maxDelayMs }) : pollMs;
      }
    }
  }

  async function run(): Promise<void> {
    let next = pollMs;
    try {
      do {
        again = false;
        next = await drain();
      } while (again && !closed && failures === 0);
    } catch (error) {
      // The database itself failed (locked past its timeout; closed under a publish when stopping): look again at the next poll.
      if (!closed) telemetry.warn('event relay failed', { reason: error instanceof Error ? error.message : String(error) });
    } finally {
      running = false;
      schedule(next);
    }
  }

  function kick(): void {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    void run();
  }

  schedule(pollMs);
  return {
    kick,
    close() {
      closed = true;
      clearTimeout(timer);
      try {
        log.release(holder);
      } catch {
        // The database is already closed: the lease simply expires.
      }
    },
  };
}
