import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { redisAddressOf } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';

/** How long the check of an external Redis may take (connect, AUTH, PING). */
export const redisCheckTimeoutMs = 2000;

// ioredis (CommonJS, ~120 ms to load), the client the cache and bus use, is loaded only when a
// topology is pointed at an external Redis.
const requireModule = createRequire(import.meta.url);
const loadRedis = (): typeof Redis => (requireModule('ioredis') as typeof import('ioredis')).Redis;

const timedOut = new Error('timed out');

/**
 * Checks an external Redis before anything starts: connects, authenticates with the URL's user
 * and password if it holds them (ioredis sends HELLO/AUTH), and PINGs, within `timeoutMs`, once
 * (no retry). Refused, unknown host, silent, a wrong password, or not Redis at all:
 * TOPOLOGY_BACKEND_UNREACHABLE, naming host:port and never the password.
 */
export async function assertRedisReachable(url: string, timeoutMs = redisCheckTimeoutMs): Promise<void> {
  const RedisClient = loadRedis();
  const client = new RedisClient(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    // Only what the check needs: a user whose ACL allows PING alone passes.
    disableClientInfo: true,
  });
  // The first error says why (ECONNREFUSED, WRONGPASS, …); the connect promise only says "Connection is closed".
  let reason: unknown;
  client.on('error', (error: unknown) => {
    reason ??= error;
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut), timeoutMs);
  });
  try {
    await Promise.race([client.connect().then(() => client.ping()), deadline]);
  } catch (error) {
    const cause = error === timedOut ? error : (reason ?? error);
    throw runtimeError('TOPOLOGY_BACKEND_UNREACHABLE', {
      message: `Redis at ${redisAddressOf(url)} is unreachable: ${describeFailure(cause, timeoutMs)}.`,
      details: { backend: 'redis', address: redisAddressOf(url) },
      cause,
    });
  } finally {
    clearTimeout(timer);
    client.disconnect(false);
  }
}

/** Why the check failed, in words built from the error's code or the reply's first word (never its text). */
function describeFailure(error: unknown, timeoutMs: number): string {
  const { code, message, name } = (error ?? {}) as { code?: unknown; message?: unknown; name?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (error === timedOut || code === 'ETIMEDOUT' || /timed out/i.test(text)) return `no answer within ${timeoutMs} ms`;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (text.startsWith('WRONGPASS')) return 'the user or password was refused';
  if (text.startsWith('NOAUTH')) return 'it needs a password, and the URL holds none';
  if (text.startsWith('NOPERM')) return 'the user may not run PING';
  if (name === 'ReplyError') return `it refused (${/^[A-Z]+/.exec(text)?.[0] ?? 'error'})`;
  if (typeof code === 'string') return code;
  return 'it does not answer as Redis does';
}
