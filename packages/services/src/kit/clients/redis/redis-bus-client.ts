import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisKeys, redisStreamRetain } from '../../../contract/backends.js';
import type { BusMessage } from '../../../contract/bus-api.js';
import { BusUnavailableError, type BusClient } from '../bus-client.js';
import { seqOfStreamId } from './redis-streams.js';
import { openRedisStreamSubscription } from './redis-stream-subscription.js';
import type { RedisTracer } from './redis-spans.js';

/** Options of createRedisBusClient. */
export interface RedisBusClientOptions {
  /** The command connection publishes go through. */
  readonly redis: Redis;
  /** Opens a blocking connection for one subscription (it owns and closes it). */
  readonly openBlocking: (topic: string) => Redis;
  readonly trace: RedisTracer;
  /** How subscription statuses name the bus (`redis#1`). */
  readonly peer: string;
  /** Epoch ms now, stamped on each message. @default Date.now */
  readonly clock?: () => number;
}

/**
 * The message bus on Redis Streams, used directly. A publish is one transaction: the epoch
 * key written if absent (so a Redis that started afresh gets a new epoch before its first
 * message) and `XADD topolab:bus:<topic> MAXLEN ~ 1000 0-* time <ms> data <json>`: Redis gives
 * the entry the next id `0-<seq>`, so seqs start at 1 and grow by 1 as on the embedded bus.
 */
export function createRedisBusClient(options: RedisBusClientOptions): BusClient {
  const { redis, trace, peer } = options;
  const clock = options.clock ?? Date.now;
  return {
    async publish<T>(topic: string, data: T, traceContext?: Parameters<RedisTracer>[1]): Promise<BusMessage<T>> {
      const time = clock();
      try {
        const results = await trace('XADD', traceContext, () =>
          redis
            .multi()
            .set(redisKeys.busEpoch, randomUUID(), 'NX')
            .xadd(redisKeys.busStream(topic), 'MAXLEN', '~', redisStreamRetain, '0-*', 'time', time, 'data', JSON.stringify(data))
            .exec(),
        );
        const failed = results?.find(([error]) => error);
        if (!results || failed) throw failed?.[0] ?? new Error('the transaction was discarded');
        return { topic, seq: seqOfStreamId(String(results[1]![1])), time, data };
      } catch (error) {
        throw new BusUnavailableError(topic, { cause: error });
      }
    },
    subscribe(topic, subscriber) {
      return openRedisStreamSubscription({
        topic,
        redis: options.openBlocking(topic),
        peer,
        onMessage: subscriber.onMessage,
        ...(subscriber.onStatus ? { onStatus: subscriber.onStatus } : {}),
      });
    },
  };
}
