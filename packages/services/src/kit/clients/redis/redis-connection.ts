import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { backoffDelay } from '../../backoff.js';
import type { Telemetry } from '../../telemetry.js';

/** The Redis of the topology, as its users are told about it. */
export interface RedisTarget {
  /** `redis://127.0.11.1:41234`. */
  readonly url: string;
  /** How traces name it: `redis#1`, or `redis` for one topolab does not run. */
  readonly peer: string;
  /** The ACL user to connect as (the instance's role). @default the URL's, else `default` */
  readonly username?: string;
  /** Its password. @default the URL's, else none */
  readonly password?: string;
}

/** Options of openRedisConnection. */
export interface RedisConnectionOptions {
  readonly target: RedisTarget;
  readonly telemetry: Telemetry;
  /** `CLIENT SETNAME`, so `redis-cli CLIENT LIST` tells the connections apart (`gateway#1:cache`). */
  readonly name: string;
  /**
   * A connection for blocking reads (XREAD BLOCK): no per-command timeout (a blocking read
   * waits on purpose), but a socket silent for this long is dead — a paused Redis. @default undefined (a command connection)
   */
  readonly blockingIdleMs?: number;
  /** Longest a command may wait for its answer on a command connection. @default 1000 */
  readonly commandTimeoutMs?: number;
}

const maxReconnectDelayMs = 1000;

// ioredis (CommonJS, ~120 ms to load) is required only by an instance that opens a connection:
// with the embedded bus and cache, no instance pays for it at start.
const requireModule = createRequire(import.meta.url);
const loadRedis = (): typeof Redis => (requireModule('ioredis') as typeof import('ioredis')).Redis;

/**
 * Opens an ioredis connection that fails fast instead of waiting out an outage: while Redis is
 * down a command rejects at the next failed reconnection attempt (≤ 1 s: 50 ms doubling to
 * 1 s) and is never resent later; while it is paused, after `commandTimeoutMs` (a blocking
 * read: once the socket has been silent for `blockingIdleMs`). So callers fall back (the global
 * cache to auth) or retry themselves (auth's outbox). A break and the recovery are each logged
 * once, never with a value.
 */
export function openRedisConnection(options: RedisConnectionOptions): Redis {
  const { target, telemetry, name } = options;
  const blocking = options.blockingIdleMs !== undefined;
  const RedisClient = loadRedis();
  const redis = new RedisClient(target.url, {
    ...(target.username === undefined ? {} : { username: target.username }),
    ...(target.password === undefined ? {} : { password: target.password }),
    connectionName: name.replace(/[^A-Za-z0-9#:._-]/g, '_'),
    // No CLIENT SETINFO: a connection sends only the commands its ACL role lists (contract/redis-acl.ts).
    disableClientInfo: true,
    // A command sent while (re)connecting waits for the connection, but only until the next
    // failed attempt (maxRetriesPerRequest 0 flushes the queue then) or its timeout.
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    ...(blocking
      ? { socketTimeout: options.blockingIdleMs, blockingTimeout: options.blockingIdleMs }
      : { commandTimeout: options.commandTimeoutMs ?? 1000, socketTimeout: 3000 }),
    retryStrategy: (times) => backoffDelay(times - 1, { baseMs: 50, maxMs: maxReconnectDelayMs }),
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    telemetry.warn('redis unreachable; retrying', { peer: target.peer, connection: name, reason: error.message });
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    telemetry.info('redis reachable again', { peer: target.peer, connection: name });
  });
  return redis;
}

/** Closes a connection without waiting for Redis (it may be the one that is gone). */
export function closeRedisConnection(redis: Redis): void {
  redis.disconnect(false);
}

