import { performance } from 'node:perf_hooks';
import { createBlacklist, type BlacklistChange } from './blacklist.js';
import { createBucketStore } from './bucket-store.js';
import { validateLimitSettings, type LimitSettings } from './settings.js';

/** The verdict on one request. */
export type LimitVerdict =
  /** Let it through. */
  | { readonly outcome: 'allowed' }
  /** The client address is blacklisted: 403 with `Retry-After`. */
  | { readonly outcome: 'blocked'; readonly retryAfterS: number }
  /** The bucket is empty: 429 with `Retry-After`. */
  | { readonly outcome: 'limited'; readonly retryAfterS: number };

/** Counts for a status view. */
export interface LimitsSnapshot {
  readonly settings: LimitSettings;
  /** Client addresses with a bucket that is not full. */
  readonly trackedClients: number;
  /** Users with a bucket that is not full. */
  readonly trackedUsers: number;
  /** Client addresses blocked now. */
  readonly blockedClients: number;
  /** Client addresses with recent 401/429 answers or a block. */
  readonly watchedClients: number;
}

/** A block starting or ending. */
export type LimitsChange = BlacklistChange;

/** The gateway's rate limits and blacklist: all their state, behind one object. */
export interface Limits {
  /** The blacklist, then the client address's bucket; run before any other work. */
  admitClient(client: string): LimitVerdict;
  /** The user's bucket; run once auth knows the user. */
  admitUser(userId: string): LimitVerdict;
  /** Reports the status answered to `client`; 401 and 429 count towards a block. */
  record(client: string, status: number): void;
  /** Replaces the settings for every request from now on (buckets and blocks are kept); throws a ConfigError for bad ones. */
  configure(settings: LimitSettings): void;
  /** The settings in force. */
  readonly settings: LimitSettings;
  snapshot(): LimitsSnapshot;
  /** Forgets full buckets and quiet clients, and lifts ended blocks (reporting them). */
  sweep(): void;
  /** Calls `listener` on every block and unblock; returns the unsubscribe function. */
  onChange(listener: (change: LimitsChange) => void): () => void;
}

/** Options of createLimits. */
export interface LimitsOptions {
  /** Most buckets kept per kind (addresses, users), and most clients the blacklist watches. @default 100000 */
  readonly maxKeys?: number;
  /** Admissions sweep at most this often (idle full buckets, quiet clients). @default 10000 */
  readonly sweepIntervalMs?: number;
}

const allowed: LimitVerdict = Object.freeze({ outcome: 'allowed' });

/** Creates the limits with `settings`, reading time from the monotonic `clock` (ms). */
export function createLimits(initial: LimitSettings, clock: () => number = () => performance.now(), options: LimitsOptions = {}): Limits {
  const maxKeys = options.maxKeys ?? 100_000;
  const sweepIntervalMs = options.sweepIntervalMs ?? 10_000;
  let settings = validateLimitSettings(initial);
  const listeners = new Set<(change: LimitsChange) => void>();
  const rate = () => ({ rps: settings.rateLimitRps, burst: settings.rateLimitBurst });
  const clients = createBucketStore(rate, maxKeys);
  const users = createBucketStore(rate, maxKeys);
  const rule = () => ({ threshold: settings.blacklistThreshold, windowMs: settings.blacklistWindowMs, blockMs: settings.blacklistBlockMs });
  const blacklist = createBlacklist(rule, (change) => listeners.forEach((listener) => listener(change)), maxKeys);
  let lastSweep = clock();

  function sweepAt(now: number): void {
    lastSweep = now;
    clients.sweep(now);
    users.sweep(now);
    blacklist.sweep(now);
  }

  function takeFrom(store: typeof clients, key: string, now: number): LimitVerdict {
    if (settings.rateLimitRps === 0) return allowed;
    const result = store.take(key, now);
    return result.allowed ? allowed : { outcome: 'limited', retryAfterS: toSeconds(result.retryAfterMs) };
  }

  function now(): number {
    const at = clock();
    if (at - lastSweep >= sweepIntervalMs) sweepAt(at);
    return at;
  }

  return {
    admitClient(client) {
      const at = now();
      const blockedMs = blacklist.remainingBlock(client, at);
      if (blockedMs > 0) return { outcome: 'blocked', retryAfterS: toSeconds(blockedMs) };
      return takeFrom(clients, client, at);
    },
    admitUser: (userId) => takeFrom(users, userId, now()),
    record(client, status) {
      if (status === 401 || status === 429) blacklist.strike(client, clock());
    },
    configure(next) {
      settings = validateLimitSettings(next);
    },
    get settings() {
      return settings;
    },
    snapshot() {
      const at = clock();
      return { settings, trackedClients: clients.size, trackedUsers: users.size, blockedClients: blacklist.countBlocked(at), watchedClients: blacklist.size };
    },
    sweep: () => sweepAt(clock()),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function toSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
