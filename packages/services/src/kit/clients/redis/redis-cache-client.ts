import type { Redis } from 'ioredis';
import { redisKeys } from '../../../contract/backends.js';
import { CacheUnavailableError, type CacheClient } from '../cache-client.js';
import type { RedisTracer } from './redis-spans.js';

/** Options of createRedisCacheClient. */
export interface RedisCacheClientOptions {
  /** A command connection (openRedisConnection). */
  readonly redis: Redis;
  readonly trace: RedisTracer;
  /**
   * False for a role that may only read the cache (contract/redis-acl.ts: the gateways and
   * sidecars; Redis would answer NOPERM): `set` and `delete` fail without asking Redis, and a
   * fill (`setIfAbsent`) writes nothing and answers false, as when an entry was there: auth,
   * which vouched for the token, writes it itself. @default true
   */
  readonly writable?: boolean;
}

/**
 * The global cache on Redis, used directly: `GET`, `SET … PX ttl` (and `NX` for a fill that
 * must not overwrite the source of truth), `DEL`, each key under `topolab:cache:`. Values are
 * JSON. Any failure is a CacheUnavailableError, as with the embedded cache service.
 */
export function createRedisCacheClient(options: RedisCacheClientOptions): CacheClient {
  const { redis, trace } = options;
  const writable = options.writable ?? true;
  const readOnly = (what: string) => Promise.reject(new CacheUnavailableError(`${what}: this instance may only read it`));
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
      if (!writable) return readOnly('write a key');
      await attempt('write a key', 'SET', traceContext, () => redis.set(redisKeys.cache(key), JSON.stringify(value), 'PX', ttlOf(ttlMs)));
    },
    async setIfAbsent(key, value, ttlMs, traceContext) {
      if (!writable) return false;
      const answer = await attempt('write an absent key', 'SET NX', traceContext, () => redis.set(redisKeys.cache(key), JSON.stringify(value), 'PX', ttlOf(ttlMs), 'NX'));
      return answer === 'OK';
    },
    async delete(key, traceContext) {
      if (!writable) return readOnly('delete a key');
      await attempt('delete a key', 'DEL', traceContext, () => redis.del(redisKeys.cache(key)));
    },
  };
}
