/** Threshold, window and block period of the blacklist. */
export interface BlacklistRule {
  /** Strikes within the window that block a client; 0 never blocks. */
  readonly threshold: number;
  readonly windowMs: number;
  readonly blockMs: number;
}

/** What the blacklist remembers of one client address. */
interface ClientRecord {
  /** Monotonic ms of recent strikes (401/429 answers), oldest first; at most `threshold` of them. */
  strikes: number[];
  /** Monotonic ms the block ends, when blocked. */
  blockedUntil?: number;
}

/** A change the blacklist reports. */
export type BlacklistChange =
  /** `client` has just been blocked for `blockMs`. */
  | { readonly kind: 'blocked'; readonly client: string; readonly blockMs: number }
  /** `client`'s block has ended. */
  | { readonly kind: 'unblocked'; readonly client: string };

/** Strike counting and blocking per client address; times come from the caller's monotonic clock. */
export interface Blacklist {
  /** Ms left of `client`'s block at `now`, or 0 when it is not blocked (an ended block is lifted here). */
  remainingBlock(client: string, now: number): number;
  /** Counts one 401/429 answer to `client` at `now`; blocks it when the threshold is reached within the window. */
  strike(client: string, now: number): void;
  /** Forgets clients with no live block and no strike within the window; lifts ended blocks. */
  sweep(now: number): void;
  /** Clients tracked (blocked or with recent strikes). */
  readonly size: number;
  /** Clients blocked at `now`. */
  countBlocked(now: number): number;
}

/** Creates an empty blacklist reading its rule on every call (so a new rule applies at once) and reporting changes to `onChange`. */
export function createBlacklist(rule: () => BlacklistRule, onChange: (change: BlacklistChange) => void, maxClients: number): Blacklist {
  const clients = new Map<string, ClientRecord>();

  function lift(client: string, record: ClientRecord, now: number): boolean {
    if (record.blockedUntil === undefined || now < record.blockedUntil) return false;
    clients.delete(client);
    onChange({ kind: 'unblocked', client });
    return true;
  }

  return {
    remainingBlock(client, now) {
      const record = clients.get(client);
      if (record?.blockedUntil === undefined || lift(client, record, now)) return 0;
      return record.blockedUntil - now;
    },
    strike(client, now) {
      const { threshold, windowMs, blockMs } = rule();
      if (threshold === 0) return;
      const record = clients.get(client) ?? { strikes: [] };
      if (record.blockedUntil !== undefined && !lift(client, record, now)) return;
      const strikes = record.strikes.filter((at) => now - at < windowMs);
      strikes.push(now);
      // Only the latest `threshold` strikes can decide a block.
      if (strikes.length > threshold) strikes.splice(0, strikes.length - threshold);
      clients.delete(client);
      if (strikes.length >= threshold) {
        clients.set(client, { strikes: [], blockedUntil: now + blockMs });
        onChange({ kind: 'blocked', client, blockMs });
      } else {
        clients.set(client, { strikes });
        evictOldest(now);
      }
    },
    sweep(now) {
      const { windowMs } = rule();
      for (const [client, record] of clients) {
        if (record.blockedUntil !== undefined) lift(client, record, now);
        else if (record.strikes.every((at) => now - at >= windowMs)) clients.delete(client);
      }
    },
    get size() {
      return clients.size;
    },
    countBlocked(now) {
      let count = 0;
      for (const record of clients.values()) if (record.blockedUntil !== undefined && now < record.blockedUntil) count++;
      return count;
    },
  };

  // Under a flood of distinct addresses, forget the least recently struck one that is not blocked.
  function evictOldest(now: number): void {
    if (clients.size <= maxClients) return;
    for (const [client, record] of clients) {
      if (record.blockedUntil === undefined) clients.delete(client);
      else if (!lift(client, record, now)) continue;
      return;
    }
  }
}
