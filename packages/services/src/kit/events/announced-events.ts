import { isDeepStrictEqual } from 'node:util';
import type { DomainEvent } from '../../contract/events-api.js';

/** Options of createAnnouncedEvents. */
export interface AnnouncedEventsOptions {
  /** Announcements kept waiting for a read of the log; past it new ones are dropped (the log is read anyway). @default 1000 */
  readonly maxPending?: number;
}

/**
 * Bus messages waiting to be checked against auth's log. Anyone who reaches the bus can
 * publish, so a message only announces that the log may hold something new: the consumer
 * applies what the log returns, and this set tells which announcements the log contradicts.
 */
export interface AnnouncedEvents {
  /** Keeps `event` until a read settles it; false when it was dropped (the same one is pending, or too many are). */
  add(event: DomainEvent): boolean;
  /** The lowest seq pending, if any: a read must start below it. */
  lowestSeq(): number | undefined;
  /** Marks what was announced so far; a read that starts now may judge those missing from the log. */
  mark(): number;
  /** Settles the announcements of `logged.seq` with the event the log holds there; answers those that differ from it. */
  settle(logged: DomainEvent): DomainEvent[];
  /** Removes and answers the announcements made before `mark` whose seq the read covered (`covered`) without finding an event there. */
  takeUnlogged(mark: number, covered: (seq: number) => boolean): DomainEvent[];
  /** How many are pending. */
  readonly size: number;
  clear(): void;
}

/** Whether `announced` is the event `logged`: the same id, type and data (a redelivery, not a forgery). */
export function isSameEvent(announced: DomainEvent, logged: DomainEvent): boolean {
  return announced.seq === logged.seq && announced.eventId === logged.eventId && announced.type === logged.type && isDeepStrictEqual(announced.data, logged.data);
}

interface Pending {
  readonly event: DomainEvent;
  /** Order of arrival (see `mark`). */
  readonly ordinal: number;
}

/** Creates an empty AnnouncedEvents. */
export function createAnnouncedEvents(options: AnnouncedEventsOptions = {}): AnnouncedEvents {
  const maxPending = options.maxPending ?? 1000;
  const bySeq = new Map<number, Pending[]>();
  let size = 0;
  let ordinals = 0;

  function remove(seq: number, keep: (pending: Pending) => boolean): DomainEvent[] {
    const all = bySeq.get(seq) ?? [];
    const kept = all.filter(keep);
    if (kept.length > 0) bySeq.set(seq, kept);
    else bySeq.delete(seq);
    size -= all.length - kept.length;
    return all.filter((pending) => !keep(pending)).map((pending) => pending.event);
  }

  return {
    add(event) {
      const same = bySeq.get(event.seq) ?? [];
      if (size >= maxPending || same.some((pending) => isSameEvent(pending.event, event))) return false;
      bySeq.set(event.seq, [...same, { event, ordinal: (ordinals += 1) }]);
      size += 1;
      return true;
    },
    lowestSeq() {
      let lowest: number | undefined;
      for (const seq of bySeq.keys()) if (lowest === undefined || seq < lowest) lowest = seq;
      return lowest;
    },
    mark: () => ordinals,
    settle(logged) {
      return remove(logged.seq, () => false).filter((event) => !isSameEvent(event, logged));
    },
    takeUnlogged(mark, covered) {
      return [...bySeq.keys()].filter(covered).flatMap((seq) => remove(seq, (pending) => pending.ordinal > mark));
    },
    get size() {
      return size;
    },
    clear() {
      bySeq.clear();
      size = 0;
    },
  };
}
