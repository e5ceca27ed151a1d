import { performance } from 'node:perf_hooks';
import DataLoader from 'dataloader';
import { spanIn, type Telemetry } from '../kit/telemetry.js';
import { startChildTrace, type TraceContext } from '../kit/trace.js';
import type { Upstream, UpstreamMessage, UpstreamProfile, UpstreamUser } from './upstream.js';

/** Most keys in one batched call: well under what auth's and profile's lookups accept (500 ids). */
export const loaderBatchSize = 100;

/** An inbox read: whose, and how many messages (newest first). */
export interface InboxKey {
  readonly userId: string;
  readonly limit: number;
}

/** How many batched calls a loader made in one request, and for how many keys. */
export interface BatchStats {
  readonly batches: number;
  readonly keys: number;
}

/**
 * The loaders of ONE request: every `load(userId)` of a tick becomes one upstream call, and a
 * key is fetched once per request (DataLoader's batch and cache), a failure too. Never shared between
 * requests, so nothing one user read is served to another and nothing goes stale.
 */
export interface RequestLoaders {
  readonly users: DataLoader<string, UpstreamUser | null>;
  readonly profiles: DataLoader<string, UpstreamProfile | null>;
  /** One mail call per user and tick, for the largest limit asked: the smaller ones are its first messages. */
  readonly inbox: DataLoader<InboxKey, UpstreamMessage[], string>;
  /** Calls and keys so far, per loader, for the request's span. */
  stats(): { readonly users: BatchStats; readonly profiles: BatchStats };
}

/** Options of createRequestLoaders. */
export interface RequestLoadersOptions {
  readonly upstream: Upstream;
  readonly telemetry: Telemetry;
  /** The request's span: each batch is a child span of it (`graphql.batch profiles`, `batch: 3`), the call a child of the batch. */
  readonly trace: TraceContext;
}

/** Creates fresh loaders for one request. */
export function createRequestLoaders(options: RequestLoadersOptions): RequestLoaders {
  const { upstream, telemetry, trace } = options;
  const counts = { users: { batches: 0, keys: 0 }, profiles: { batches: 0, keys: 0 } };

  function byUserId<T extends { readonly userId: string }>(name: 'users' | 'profiles', fetch: (ids: readonly string[], trace: TraceContext) => Promise<T[]>) {
    return new DataLoader<string, T | null>(
      async (keys) => {
        counts[name].batches += 1;
        counts[name].keys += keys.length;
        const batchTrace = startChildTrace(trace);
        const started = performance.now();
        const start = Date.now();
        let failed = false;
        try {
          const found = new Map((await fetch(keys, batchTrace)).map((item) => [item.userId, item]));
          return keys.map((key) => found.get(key) ?? null);
        } catch (error) {
          failed = true;
          // Each key fails with it and stays cached (DataLoader forgets a thrown batch): no later field of the request asks again.
          return keys.map(() => (error instanceof Error ? error : new Error(String(error))));
        } finally {
          const attributes = { batch: keys.length, ...(failed ? { failed: true } : {}) };
          telemetry.span(spanIn(batchTrace, { kind: 'internal', name: `graphql.batch ${name}`, start, durationMs: performance.now() - started, attributes }));
        }
      },
      { maxBatchSize: loaderBatchSize },
    );
  }

  // Mail has no batch route: each user's inbox is read once, at the largest limit of the batch.
  const inbox = new DataLoader<InboxKey, UpstreamMessage[], string>(
    async (keys) => {
      const largest = new Map<string, number>();
      for (const { userId, limit } of keys) largest.set(userId, Math.max(limit, largest.get(userId) ?? 0));
      const reads = new Map([...largest].map(([userId, limit]) => [userId, upstream.inbox(userId, limit, trace)]));
      // An Error in place of a value fails that key's load (DataLoader), so one user's failure stays theirs.
      return Promise.all(keys.map(({ userId, limit }) => reads.get(userId)!.then((messages) => messages.slice(0, limit), (error: unknown) => error as Error)));
    },
    { cacheKeyFn: ({ userId, limit }) => `${userId}\n${limit}` },
  );

  return {
    users: byUserId('users', (ids, batchTrace) => upstream.users(ids, batchTrace)),
    profiles: byUserId('profiles', (ids, batchTrace) => upstream.profiles(ids, batchTrace)),
    inbox,
    stats: () => ({ users: { ...counts.users }, profiles: { ...counts.profiles } }),
  };
}
