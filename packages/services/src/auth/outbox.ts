import { createBackoff, type Backoff } from '../kit/backoff.js';
import type { Telemetry } from '../kit/telemetry.js';

/** Something auth failed to tell the bus or the cache, to try again. */
export interface OutboxItem {
  /** What it is about (`cache:<jti>`, `bus:token.revoked:<jti>`): a newer item or write with the same key supersedes it. */
  readonly key: string;
  /** What it is, named in events (`token.revoked`, `cache.revoked`, `cache.active`). */
  readonly what: string;
  readonly userId: string;
  /** Epoch ms after which delivering it is pointless (the token's exp). */
  readonly expiresAt: number;
  /** One delivery attempt; rejects when it failed. */
  readonly send: () => Promise<unknown>;
}

/** Options of createOutbox. */
export interface OutboxOptions {
  readonly telemetry: Telemetry;
  /** Epoch ms now, against which items expire. @default Date.now */
  readonly clock?: () => number;
  /** Ceiling of the first retry's delay (full jitter below it, kit/backoff.ts); doubled after each failure. @default 200 */
  readonly minDelayMs?: number;
  /** Longest delay between two retries. @default 2000 */
  readonly maxDelayMs?: number;
  /** Most items held; past it the oldest is dropped. @default 10000 */
  readonly maxItems?: number;
}

/** Why an item was given up. */
export type OutboxDropReason =
  /** Its token expired: nobody can present it any more, so nobody needs to hear. */
  | 'expired'
  /** The outbox was full and it was the oldest. */
  | 'full'
  /** Auth is stopping (the outbox is in memory). */
  | 'closed';

/** Failed deliveries retried in the background. */
export interface Outbox {
  /** Retries `item` (whose first attempt failed), replacing a pending item with the same key. */
  add(item: OutboxItem): void;
  /** Forgets the pending item with `key`, if any: a newer write made it obsolete. */
  cancel(key: string): void;
  /** Items waiting. */
  readonly size: number;
  /** Stops retrying; pending items are dropped (`closed`). */
  close(): void;
}

interface Entry {
  readonly item: OutboxItem;
  attempts: number;
  readonly backoff: Backoff;
  timer?: NodeJS.Timeout;
}

/**
 * An in-memory outbox: each item is retried with exponential backoff and full jitter (below
 * 200 ms doubling up to 2 s) until it succeeds — event `auth.publish.retried` `{ what, userId, attempts }` — or its
 * token expires, the outbox overflows or auth stops — event `auth.publish.dropped`
 * `{ what, userId, reason, attempts }`. Nothing survives a restart of auth: the revocation
 * itself is committed in the database (introspection knows it), only the announcement is lost.
 */
export function createOutbox(options: OutboxOptions): Outbox {
  const { telemetry } = options;
  const clock = options.clock ?? Date.now;
  const minDelayMs = options.minDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 2000;
  const maxItems = options.maxItems ?? 10_000;
  const entries = new Map<string, Entry>();
  let closed = false;

  function drop(entry: Entry, reason: OutboxDropReason): void {
    clearTimeout(entry.timer);
    entries.delete(entry.item.key);
    const { what, userId } = entry.item;
    telemetry.event('auth.publish.dropped', { what, userId, reason, attempts: entry.attempts });
    telemetry.warn('gave up announcing a token state', { what, userId, reason, attempts: entry.attempts });
  }

  function schedule(entry: Entry): void {
    entry.timer = setTimeout(() => void retry(entry), entry.backoff.next());
    entry.timer.unref();
  }

  async function retry(entry: Entry): Promise<void> {
    const { item } = entry;
    if (clock() >= item.expiresAt) return drop(entry, 'expired');
    entry.attempts++;
    let sent = false;
    try {
      await item.send();
      sent = true;
    } catch {
      // Still failing: try again later; the first failure was already reported.
    }
    // Superseded or closed while the attempt was in flight: its outcome no longer matters.
    if (closed || entries.get(item.key) !== entry) return;
    if (!sent) return schedule(entry);
    entries.delete(item.key);
    telemetry.event('auth.publish.retried', { what: item.what, userId: item.userId, attempts: entry.attempts });
    telemetry.info('announced a token state on retry', { what: item.what, userId: item.userId, attempts: entry.attempts });
  }

  return {
    add(item) {
      if (closed) return;
      const pending = entries.get(item.key);
      if (pending) {
        clearTimeout(pending.timer);
        entries.delete(item.key);
      } else if (entries.size >= maxItems) {
        drop(entries.values().next().value!, 'full');
      }
      const entry: Entry = { item, attempts: 0, backoff: createBackoff({ baseMs: minDelayMs, maxMs: maxDelayMs }) };
      entries.set(item.key, entry);
      schedule(entry);
    },
    cancel(key) {
      const pending = entries.get(key);
      if (!pending) return;
      clearTimeout(pending.timer);
      entries.delete(key);
    },
    get size() {
      return entries.size;
    },
    close() {
      for (const entry of [...entries.values()]) drop(entry, 'closed');
      closed = true;
    },
  };
}
