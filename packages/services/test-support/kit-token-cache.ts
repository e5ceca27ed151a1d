import type { BusMessage } from '../src/contract/bus-api.js';
import { BusUnavailableError, type BusClient, type BusSubscription, type BusSubscriptionStatus, type SubscribeOptions } from '../src/kit/clients/bus-client.js';
import { CacheUnavailableError, type CacheClient } from '../src/kit/clients/cache-client.js';

/** An in-process bus for tests: delivers at once to connected subscribers; can go down and lose messages. */
export interface FakeBus extends BusClient {
  /** Every message published, in order (also those published while down). */
  readonly published: BusMessage[];
  /** When true, `publish` throws BusUnavailableError (nothing is recorded). */
  failing: boolean;
  /** Open subscriptions. */
  readonly subscribers: number;
  /** Subscribers hear `disconnected`; messages published meanwhile never reach them. */
  down(reason?: string): void;
  /** Subscribers hear `lost`, then stay down until `up`; what was published before is never replayed. */
  lose(): void;
  /** Subscribers hear `connected` again, then get what was published while down (as the kit's client resumes after its last seq). */
  up(): void;
}

interface Subscriber {
  readonly topic: string;
  readonly options: SubscribeOptions<unknown>;
  lastSeq: number;
}

/** Creates a FakeBus that is up; new subscribers hear `connected` on the next microtask. */
export function createFakeBus(): FakeBus {
  const subscribers = new Set<Subscriber>();
  const seqs = new Map<string, number>();
  let isUp = true;
  const tell = (status: BusSubscriptionStatus) => {
    for (const subscriber of subscribers) subscriber.options.onStatus?.(status);
  };

  const bus: FakeBus = {
    published: [],
    failing: false,
    get subscribers() {
      return subscribers.size;
    },
    async publish<T>(topic: string, data: T): Promise<BusMessage<T>> {
      if (bus.failing) throw new BusUnavailableError(topic);
      const seq = (seqs.get(topic) ?? 0) + 1;
      seqs.set(topic, seq);
      const message: BusMessage<T> = { topic, seq, time: Date.now(), data };
      bus.published.push(message);
      if (isUp) {
        for (const subscriber of subscribers) {
          if (subscriber.topic !== topic) continue;
          subscriber.lastSeq = seq;
          subscriber.options.onMessage(message);
        }
      }
      return message;
    },
    subscribe<T>(topic: string, options: SubscribeOptions<T>): BusSubscription {
      // Like the kit's client: follow from the topic's current seq on.
      const subscriber: Subscriber = { topic, options: options as SubscribeOptions<unknown>, lastSeq: seqs.get(topic) ?? 0 };
      subscribers.add(subscriber);
      queueMicrotask(() => {
        if (subscribers.has(subscriber)) options.onStatus?.(isUp ? { state: 'connected', instanceId: 'bus#fake' } : { state: 'disconnected', reason: 'the fake bus is down' });
      });
      return {
        get connected() {
          return isUp && subscribers.has(subscriber);
        },
        get lastSeq() {
          return subscriber.lastSeq;
        },
        close: () => void subscribers.delete(subscriber),
      };
    },
    down(reason = 'the fake bus is down') {
      isUp = false;
      tell({ state: 'disconnected', reason });
    },
    lose() {
      isUp = false;
      for (const subscriber of subscribers) {
        subscriber.options.onStatus?.({ state: 'lost', afterSeq: subscriber.lastSeq });
        subscriber.lastSeq = seqs.get(subscriber.topic) ?? 0;
      }
    },
    up() {
      isUp = true;
      tell({ state: 'connected', instanceId: 'bus#fake' });
      for (const subscriber of subscribers) {
        for (const message of bus.published) {
          if (message.topic !== subscriber.topic || message.seq <= subscriber.lastSeq) continue;
          subscriber.lastSeq = message.seq;
          subscriber.options.onMessage(message);
        }
      }
    },
  };
  return bus;
}

/** One write a FakeCache took. */
export interface FakeCacheWrite {
  readonly key: string;
  readonly value: unknown;
  readonly ttlMs: number;
  /** Written by `setIfAbsent` (a fill), not `set`. */
  readonly ifAbsent?: true;
}

/** An in-process global cache for tests, on an injected clock; can be made to fail. */
export interface FakeCache extends CacheClient {
  readonly writes: FakeCacheWrite[];
  /** When true, every call throws CacheUnavailableError. */
  failing: boolean;
  /** Reads made so far. */
  readonly reads: number;
  /** The live value of `key`, without counting a read. */
  peek(key: string): unknown;
}

/** Creates an empty FakeCache. */
export function createFakeCache(clock: () => number = Date.now): FakeCache {
  const entries = new Map<string, { value: unknown; expiresAt: number }>();
  let reads = 0;
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt > clock()) return entry;
    entries.delete(key);
    return undefined;
  };
  const cache: FakeCache = {
    writes: [],
    failing: false,
    get reads() {
      return reads;
    },
    peek: (key) => live(key)?.value,
    async get<T>(key: string): Promise<T | undefined> {
      if (cache.failing) throw new CacheUnavailableError('read a key');
      reads++;
      return live(key)?.value as T | undefined;
    },
    async set(key, value, ttlMs) {
      if (cache.failing) throw new CacheUnavailableError('write a key');
      cache.writes.push({ key, value, ttlMs });
      entries.set(key, { value: structuredClone(value), expiresAt: clock() + ttlMs });
    },
    async setIfAbsent(key, value, ttlMs) {
      if (cache.failing) throw new CacheUnavailableError('write an absent key');
      if (live(key)) return false;
      cache.writes.push({ key, value, ttlMs, ifAbsent: true });
      entries.set(key, { value: structuredClone(value), expiresAt: clock() + ttlMs });
      return true;
    },
    async delete(key) {
      if (cache.failing) throw new CacheUnavailableError('delete a key');
      entries.delete(key);
    },
  };
  return cache;
}

/**
 * Tokens an attacker can make from a live token without the signing key: the same claims
 * (so the same jti and sub) under `alg: none`, under a made-up signature, and with a changed
 * claim under the original header and a made-up signature.
 */
export function forgeTokens(token: string): readonly string[] {
  const [header, payload] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const madeUpSignature = Buffer.alloc(64, 7).toString('base64url');
  return [
    `${encode({ alg: 'none', typ: 'at+jwt' })}.${payload}.`,
    `${header}.${payload}.${madeUpSignature}`,
    `${header}.${encode({ ...claims, username: 'mallory' })}.${madeUpSignature}`,
  ];
}
