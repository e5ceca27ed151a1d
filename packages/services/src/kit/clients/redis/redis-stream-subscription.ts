import type { Redis } from 'ioredis';
import { redisKeys } from '../../../contract/backends.js';
import type { BusMessage } from '../../../contract/bus-api.js';
import type { BusSubscription, BusSubscriptionStatus } from '../bus-subscription.js';
import { createBackoff } from '../../backoff.js';
import { defaultBusIdleTimeoutMs } from '../bus-subscription.js';
import { createSubscriptionLifecycle } from '../subscription-lifecycle.js';
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
  const { redis, topic, peer } = options;
  const key = redisKeys.busStream(topic);
  const blockMs = options.blockMs ?? Math.floor(defaultBusIdleTimeoutMs / 3);
  let lastSeq: number | undefined;
  // The epoch lastSeq belongs to; null: none was written yet when last read.
  let epoch: string | null | undefined;
  // (Re)connections of the connection, and the one prepare ran on: a command sent after an
  // unnoticed reconnection may reach a Redis that started afresh, so following starts over.
  let connections = 0;
  let preparedOn = -1;
  redis.on('ready', () => {
    connections += 1;
  });
  const lifecycle = createSubscriptionLifecycle(topic);
  const isClosed = () => lifecycle.phase === 'closed';
  const backoff = createBackoff({ baseMs: 100, maxMs: 2000 });
  let wake: (() => void) | undefined;

  const status = (next: BusSubscriptionStatus) => {
    if (!isClosed()) options.onStatus?.(next);
  };

  function deliver(entry: StreamEntry): void {
    if (lastSeq !== undefined && entry.seq <= lastSeq) return;
    if (lastSeq !== undefined && entry.seq > lastSeq + 1) status({ state: 'lost', afterSeq: lastSeq });
    lastSeq = entry.seq;
    options.onMessage({ topic, seq: entry.seq, time: entry.time, data: entry.data as T });
  }

  async function newestSeq(): Promise<{ newest: number; oldest: number | undefined }> {
    const [newest] = await redis.xrevrange(key, '+', '-', 'COUNT', 1);
    const [oldest] = await redis.xrange(key, '-', '+', 'COUNT', 1);
    return { newest: newest ? seqOfStreamId(newest[0]) : 0, oldest: oldest ? seqOfStreamId(oldest[0]) : undefined };
  }

  // Fixes the seq to resume after, as openBusSubscription's prepare does.
  async function prepare(): Promise<void> {
    const current = await readBusEpoch(redis);
    preparedOn = connections;
    const { newest, oldest } = await newestSeq();
    if (lastSeq === undefined) {
      lastSeq = newest;
      epoch = current;
      return;
    }
    const restarted = current !== epoch || newest < lastSeq;
    if (restarted || (oldest !== undefined && oldest > lastSeq + 1)) {
      status({ state: 'lost', afterSeq: lastSeq });
      lastSeq = restarted ? 0 : oldest! - 1;
    }
    epoch = current;
  }

  async function follow(): Promise<void> {
    while (!isClosed()) {
      if (connections !== preparedOn) throw new Error('the connection was re-established');
      const reply = (await redis.xread('COUNT', 100, 'BLOCK', blockMs, 'STREAMS', key, `0-${lastSeq ?? 0}`)) as [string, [string, string[]][]][] | null;
      if (isClosed()) return;
      for (const [, entries] of reply ?? []) for (const entry of entries) deliver(parseStreamEntry(entry));
      if (epoch === null) {
        const current = await readBusEpoch(redis);
        if (connections === preparedOn) epoch = current;
      }
    }
  }

  // Preparing and the XREAD loop are the phases of subscription-lifecycle.ts: XREAD is the stream, open as soon as it is prepared.
  async function run(): Promise<void> {
    while (!isClosed()) {
      try {
        await prepare();
        lifecycle.transition('prepared');
        lifecycle.transition('opened');
        backoff.reset();
        status({ state: 'connected', instanceId: peer });
        await follow();
      } catch (error) {
        if (isClosed()) return;
        const left = lifecycle.transition('failed');
        // Said once per broken connection, and on the first attempt only while it cannot connect.
        if (left === 'connected' || lifecycle.attempts === 1) status({ state: 'disconnected', reason: `${peer}: ${error instanceof Error ? error.message : String(error)}` });
        await waitToRetry();
        lifecycle.transition('retry');
      }
    }
  }

  // The backoff delay of phase `waiting`; close() cuts it short.
  function waitToRetry(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, backoff.next());
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  void run();
  return {
    get connected() {
      return lifecycle.phase === 'connected';
    },
    get lastSeq() {
      return lastSeq ?? 0;
    },
    close() {
      lifecycle.transition('close');
      wake?.();
      redis.disconnect(false);
    },
  };
}
