import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisKeys, redisStreamRetain } from '../../../contract/backends.js';
import type { BusMessage } from '../../../contract/bus-api.js';
import { BusUnavailableError, type BusClient } from '../bus-client.js';
import { seqOfStreamId, writeBusEpoch } from './redis-streams.js';
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
  /**
   * Whether this instance's role writes the bus epoch (contract/redis-acl.ts: auth): then it
   * writes one each time its connection is ready and before each message. @default false
   */
  readonly writesEpoch?: boolean;
}

/**
 * The message bus on Redis Streams, used directly: `XADD topolab:bus:<topic> MAXLEN ~ 1000 0-*
 * time <ms> data <json>`: Redis gives the entry the next id `0-<seq>`, so seqs start at 1 and
 * grow by 1 as on the embedded bus. The epoch writer's publish is one transaction with the
 * epoch key written if absent, so a Redis that started afresh gets a new epoch before its
 * first message from auth; it also writes one whenever its connection is (re)established.
 */
export function createRedisBusClient(options: RedisBusClientOptions): BusClient {
  const { redis, trace, peer } = options;
  const clock = options.clock ?? Date.now;
  if (options.writesEpoch) {
    // Best effort: a failure here is the outage the connection reports; the next publish writes it.
    const write = () => void writeBusEpoch(redis).catch(() => undefined);
    redis.on('ready', write);
    if (redis.status === 'ready') write();
  }
  async function send(topic: string, time: number, data: unknown): Promise<string> {
    const args = [redisKeys.busStream(topic), 'MAXLEN', '~', redisStreamRetain, '0-*', 'time', time, 'data', JSON.stringify(data)] as const;
    if (!options.writesEpoch) return String(await redis.xadd(...args));
    const results = await redis.multi().set(redisKeys.busEpoch, randomUUID(), 'NX').xadd(...args).exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('the transaction was discarded');
    return String(results[1]![1]);
  }
  return {
    async publish<T>(topic: string, data: T, traceContext?: Parameters<RedisTracer>[1]): Promise<BusMessage<T>> {
      const time = clock();
      try {
        const id = await trace('XADD', traceContext, () => send(topic, time, data));
        return { topic, seq: seqOfStreamId(id), time, data };
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
