import type { Redis } from 'ioredis';
import { redisKeys } from '../../../contract/backends.js';
import { CacheUnavailableError, type CacheClient } from '../cache-client.js';
import type { RedisTracer } from './redis-spans.js';

/** Options of createRedisCacheClient. */
export interface RedisCacheClientOptions {
  /** A command connection (openRedisConnection). */
  readonly redis: Redis;
  readonly trace: RedisTracer;
}

/**
 * The global cache on Redis, used directly: `GET`, `SET … PX ttl` (and `NX` for a fill that
 * must not overwrite the source of truth), `DEL`, each key under `topolab:cache:`. Values are
 * JSON. Any failure is a CacheUnavailableError, as with the embedded cache service.
 */
export function createRedisCacheClient(options: RedisCacheClientOptions): CacheClient {
  const { redis, trace } = options;
  const ttlOf = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));

  async function attempt<T>(what: string, command: string, traceContext: Parameters<RedisTracer>[1], run: () => Promise<T>): Promise<T> {
    try {
      return await trace(command, traceContext, run);
    } catch (error) {
      throw new CacheUnavailableError(what, { cause: error });
    }
  }

  return {
    async get<T>(key: string, traceContext?: Parameters<RedisTracer>[1]): Promise<T | undefined> {
      const text = await attempt('read a key', 'GET', traceContext, () => redis.get(redisKeys.cache(key)));
      if (text === null) return undefined;
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        throw new CacheUnavailableError('read a key (not JSON)', { cause: error });
      }
    },
    async set(key, value, ttlMs, traceContext) {
      await attempt('write a key', 'SET', traceContext, () => redis.set(redisKeys.cache(key), JSON.stringify(value), 'PX', ttlOf(ttlMs)));
    },
    async setIfAbsent(key, value, ttlMs, traceContext) {
      const answer = await attempt('write an absent key', 'SET NX', traceContext, () => redis.set(redisKeys.cache(key), JSON.stringify(value), 'PX', ttlOf(ttlMs), 'NX'));
      return answer === 'OK';
    },
    async delete(key, traceContext) {
      await attempt('delete a key', 'DEL', traceContext, () => redis.del(redisKeys.cache(key)));
    },
  };
}
