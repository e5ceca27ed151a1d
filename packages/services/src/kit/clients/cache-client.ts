import { ifAbsentQuery, type CacheEntry } from '../../contract/cache-api.js';
import type { ServiceCaller } from '../discovery/service-caller.js';
import type { TraceContext } from '../trace.js';

/** The global cache could not answer (down, unreachable, or answering nonsense). */
export class CacheUnavailableError extends Error {
  override readonly name = 'CacheUnavailableError';
  constructor(what: string, options?: { cause?: unknown }) {
    super(`The global cache could not ${what}.`, options);
  }
}

/** Options of createCacheClient. */
export interface CacheClientOptions {
  /** @default 1000 */
  readonly timeoutMs?: number;
}

/** A client of the global cache service, found through the registry. Throws CacheUnavailableError, never returns stale guesses. */
export interface CacheClient {
  /** The value, or undefined on a miss. */
  get<T = unknown>(key: string, trace?: TraceContext): Promise<T | undefined>;
  /** Stores `value` for `ttlMs`, replacing any entry (for the source of truth). */
  set(key: string, value: unknown, ttlMs: number, trace?: TraceContext): Promise<void>;
  /** Stores `value` only if no live entry holds `key` (atomic in the cache); true when written, false when one existed. */
  setIfAbsent(key: string, value: unknown, ttlMs: number, trace?: TraceContext): Promise<boolean>;
  delete(key: string, trace?: TraceContext): Promise<void>;
}

/** Creates a cache client over a service caller (round-robin over `cache` instances, retry on refused). */
export function createCacheClient(caller: ServiceCaller, options: CacheClientOptions = {}): CacheClient {
  const timeoutMs = options.timeoutMs ?? 1000;
  const path = (key: string) => `/cache/keys/${encodeURIComponent(key)}`;

  async function call<T>(what: string, method: string, key: string, trace: TraceContext | undefined, body?: unknown, query = '') {
    try {
      return await caller.call<T>({ service: 'cache', method, path: path(key) + query, ...(body === undefined ? {} : { body }), ...(trace ? { trace } : {}), timeoutMs });
    } catch (error) {
      throw new CacheUnavailableError(what, { cause: error });
    }
  }

  return {
    async get<T>(key: string, trace?: TraceContext): Promise<T | undefined> {
      const answer = await call<CacheEntry<T>>('read a key', 'GET', key, trace);
      if (answer.status === 404) return undefined;
      if (answer.status !== 200) throw new CacheUnavailableError(`read a key (status ${answer.status})`);
      return answer.body.value;
    },
    async set(key, value, ttlMs, trace) {
      const answer = await call('write a key', 'PUT', key, trace, { value, ttlMs: Math.max(1, Math.ceil(ttlMs)) });
      if (answer.status !== 204 && answer.status !== 200) throw new CacheUnavailableError(`write a key (status ${answer.status})`);
    },
    async setIfAbsent(key, value, ttlMs, trace) {
      const answer = await call('write an absent key', 'PUT', key, trace, { value, ttlMs: Math.max(1, Math.ceil(ttlMs)) }, `?${ifAbsentQuery}`);
      if (answer.status === 409) return false;
      if (answer.status !== 204 && answer.status !== 200) throw new CacheUnavailableError(`write an absent key (status ${answer.status})`);
      return true;
    },
    async delete(key, trace) {
      const answer = await call('delete a key', 'DELETE', key, trace);
      if (answer.status !== 204 && answer.status !== 200 && answer.status !== 404) throw new CacheUnavailableError(`delete a key (status ${answer.status})`);
    },
  };
}
