import type { Redis } from 'ioredis';
import { redisKeys } from '../../../contract/backends.js';
import type { BusMessage } from '../../../contract/bus-api.js';
import type { BusSubscription, BusSubscriptionStatus } from '../bus-subscription.js';
import { createBackoff } from '../../backoff.js';
import { defaultBusIdleTimeoutMs } from '../bus-subscription.js';
import { SubscriptionBase } from '../subscription-base.js';
import { parseStreamEntry, readBusEpoch, seqOfStreamId, type StreamEntry } from './redis-streams.js';

/** Options of openRedisStreamSubscription. */
export interface RedisStreamSubscriptionOptions<T> {
  readonly topic: string;
  /** A blocking connection of its own (XREAD BLOCK holds it), with `socketTimeout` = the idle timeout. */
  readonly redis: Redis;
  /** How the status names where it streams from (`redis#1`). */
  readonly peer: string;
  readonly onMessage: (message: BusMessage<T>) => void;
  readonly onStatus?: (status: BusSubscriptionStatus) => void;
  /** How long one XREAD blocks; keep it well under the connection's idle timeout. @default 1000 */
  readonly blockMs?: number;
}

/**
 * Follows one topic on a Redis stream with the guarantees of the embedded bus's subscription
 * (openBusSubscription): in seq order, exactly once, from the topic's newest seq on the first
 * connection; a reconnection resumes after the last seq (`XREAD … STREAMS key 0-<last>`), so
 * nothing published meanwhile is lost. A Redis that started afresh (its epoch key changed or
 * the stream went back) or trimmed what was missed is reported as `lost`. A paused Redis is
 * noticed by the connection's idle timeout (the socket brings nothing while XREAD blocks).
 *
 * Only auth writes the epoch (contract/redis-acl.ts), so a subscriber may find none yet (Redis
 * just started, auth not connected): that is a known state (`null`), read again after each
 * XREAD on the same connection until auth writes one, which is then the epoch of the data set
 * it already follows (a restart would have broken that connection). Across a reconnection any
 * other epoch — vanished, changed, or appeared meanwhile — counts as a fresh start: at worst a
 * stream followed from its first seq again (in practice a near-empty one, just after a start),
 * never messages skipped.
 */
export function openRedisStreamSubscription<T>(options: RedisStreamSubscriptionOptions<T>): BusSubscription {
  const subscription = new RedisStreamSubscription(options);
  void subscription.run();
  return subscription;
}

/** openRedisStreamSubscription's subscription: the phases of subscription-lifecycle.ts over XREAD. */
class RedisStreamSubscription<T> extends SubscriptionBase {
  private readonly options: RedisStreamSubscriptionOptions<T>;
  private readonly redis: Redis;
  private readonly key: string;
  private readonly blockMs: number;
  private readonly backoff = createBackoff({ baseMs: 100, maxMs: 2000 });
  // The epoch seq belongs to; null: none was written yet when last read.
  private epoch: string | null | undefined;
  // (Re)connections of the connection, and the one prepare ran on: a command sent after an
  // unnoticed reconnection may reach a Redis that started afresh, so following starts over.
  private connections = 0;
  private preparedOn = -1;
  private wake: (() => void) | undefined;

  constructor(options: RedisStreamSubscriptionOptions<T>) {
    super(options.topic);
    this.options = options;
    this.redis = options.redis;
    this.key = redisKeys.busStream(options.topic);
    this.blockMs = options.blockMs ?? Math.floor(defaultBusIdleTimeoutMs / 3);
    this.redis.on('ready', () => {
      this.connections += 1;
    });
  }

  close(): void {
    this.lifecycle.transition('close');
    this.wake?.();
    this.redis.disconnect(false);
  }

  // Preparing and the XREAD loop are the phases of subscription-lifecycle.ts: XREAD is the stream, open as soon as it is prepared.
  async run(): Promise<void> {
    const { peer } = this.options;
    while (!this.closed) {
      try {
        await this.prepare();
        this.lifecycle.transition('prepared');
        this.lifecycle.transition('opened');
        this.backoff.reset();
        this.status({ state: 'connected', instanceId: peer });
        await this.follow();
      } catch (error) {
        if (this.closed) return;
        const left = this.lifecycle.transition('failed');
        // Said once per broken connection, and on the first attempt only while it cannot connect.
        if (left === 'connected' || this.lifecycle.attempts === 1) this.status({ state: 'disconnected', reason: `${peer}: ${error instanceof Error ? error.message : String(error)}` });
        await this.waitToRetry();
        this.lifecycle.transition('retry');
      }
    }
  }

  private status(next: BusSubscriptionStatus): void {
    if (!this.closed) this.options.onStatus?.(next);
  }

  private deliver(entry: StreamEntry): void {
    const last = this.seq;
    if (last !== undefined && entry.seq <= last) return;
    if (last !== undefined && entry.seq > last + 1) this.status({ state: 'lost', afterSeq: last });
    this.seq = entry.seq;
    this.options.onMessage({ topic: this.options.topic, seq: entry.seq, time: entry.time, data: entry.data as T });
  }

  // Fixes the seq to resume after, as openBusSubscription's prepare does.
  private async prepare(): Promise<void> {
    const current = await readBusEpoch(this.redis);
    this.preparedOn = this.connections;
    const { newest, oldest } = await readStreamBounds(this.redis, this.key);
    if (this.seq === undefined) {
      this.seq = newest;
      this.epoch = current;
      return;
    }
    const restarted = current !== this.epoch || newest < this.seq;
    if (restarted || (oldest !== undefined && oldest > this.seq + 1)) {
      this.status({ state: 'lost', afterSeq: this.seq });
      this.seq = restarted ? 0 : oldest! - 1;
    }
    this.epoch = current;
  }

  private async follow(): Promise<void> {
    while (!this.closed) {
      if (this.connections !== this.preparedOn) throw new Error('the connection was re-established');
      const reply = (await this.redis.xread('COUNT', 100, 'BLOCK', this.blockMs, 'STREAMS', this.key, `0-${this.seq ?? 0}`)) as [string, [string, string[]][]][] | null;
      if (this.closed) return;
      for (const [, entries] of reply ?? []) for (const entry of entries) this.deliver(parseStreamEntry(entry));
      if (this.epoch === null) {
        const current = await readBusEpoch(this.redis);
        if (this.connections === this.preparedOn) this.epoch = current;
      }
    }
  }

  // The backoff delay of phase `waiting`; close() cuts it short.
  private waitToRetry(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.backoff.next());
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** The stream's newest seq (0 when empty) and oldest (undefined when empty). */
async function readStreamBounds(redis: Redis, key: string): Promise<{ newest: number; oldest: number | undefined }> {
  const [newest] = await redis.xrevrange(key, '+', '-', 'COUNT', 1);
  const [oldest] = await redis.xrange(key, '-', '+', 'COUNT', 1);
  return { newest: newest ? seqOfStreamId(newest[0]) : 0, oldest: oldest ? seqOfStreamId(oldest[0]) : undefined };
}
