import type { Server } from 'node:http';
import type { CacheEntry } from '../contract/cache-api.js';
import type { RouteSpec } from '../contract/registry-api.js';
import { reply } from '../kit/http/reply.js';
import { defineRoute, Router } from '../kit/http/router.js';
import { createHttpServer } from '../kit/http/server.js';
import type { ServiceGuard } from '../kit/service-auth/guard.js';
import type { ServiceApp } from '../kit/service-main.js';
import type { Telemetry } from '../kit/telemetry.js';
import { keyPattern, maxTtlMs, maxValueBytes, type CacheBackend } from './backend.js';
import { cacheErrors } from './errors.js';
import * as z from '../kit/zod.js';

/** Options of createCacheApp. */
export interface CacheAppOptions {
  readonly backend: CacheBackend;
  readonly telemetry: Telemetry;
  /** Request body limit in bytes. @default 1048576 */
  readonly bodyLimit?: number;
  /**
   * Checks service tokens: `cache.read` to read, `cache.write` (auth's alone) to write or
   * delete. main.ts always passes one; without it (in-process tests of other parts) the cache is open.
   */
  readonly serviceAuth?: ServiceGuard;
}

/** The built, unstarted cache. */
export interface CacheApp extends ServiceApp {
  readonly server: Server;
  /** Closes the backend. */
  close(): Promise<void>;
}

/** The cache is internal: registered so others find it in the catalog, never routed to by the gateway. */
export const cacheRoutes: readonly RouteSpec[] = [];

const putBody = z.object({ value: z.json(), ttlMs: z.number().check(z.int(), z.gte(1), z.lte(maxTtlMs)) });
const putQuery = z.object({ ifAbsent: z._default(z.enum(['true', 'false']), 'false') });

/** Builds the global cache over `backend`: keys with a TTL, as in `contract/cache-api.ts`. */
export function createCacheApp(options: CacheAppOptions): CacheApp {
  const { backend, telemetry } = options;
  const keyRoute = '/cache/keys/:key';
  const guarded = options.serviceAuth !== undefined;
  const read = guarded ? ({ scope: 'cache.read' } as const) : {};
  const write = guarded ? ({ scope: 'cache.write' } as const) : {};
  const router = new Router().add(
    defineRoute({
      method: 'GET',
      path: keyRoute,
      ...read,
      handler: async ({ params, attributes }) => {
        const entry: CacheEntry | undefined = await backend.get(validateKey(params.key));
        attributes.cache = entry ? 'hit' : 'miss';
        if (!entry) throw cacheErrors.CACHE_MISS();
        return entry;
      },
    }),
    defineRoute({
      method: 'PUT',
      path: keyRoute,
      ...write,
      body: putBody,
      query: putQuery,
      handler: async ({ params, body, query, attributes }) => {
        const key = validateKey(params.key);
        const bytes = Buffer.byteLength(JSON.stringify(body.value));
        if (bytes > maxValueBytes) throw cacheErrors.CACHE_VALUE_TOO_LARGE({ message: `The value is ${bytes} bytes; the limit is ${maxValueBytes}.` });
        if (query.ifAbsent === 'false') {
          await backend.set(key, body.value, body.ttlMs);
          return reply(204);
        }
        const written = await backend.setIfAbsent(key, body.value, body.ttlMs);
        attributes.ifAbsent = written ? 'written' : 'exists';
        if (!written) throw cacheErrors.CACHE_KEY_EXISTS();
        return reply(204);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: keyRoute,
      ...write,
      handler: async ({ params }) => {
        await backend.delete(validateKey(params.key));
        return reply(204);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/health',
      handler: async () => {
        if (!(await backend.ping().catch(() => false))) throw cacheErrors.CACHE_BACKEND_UNAVAILABLE();
        return { status: 'ok', size: await backend.size() };
      },
    }),
  );
  const server = createHttpServer({ router, telemetry, serviceAuth: options.serviceAuth, ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }) });
  return { server, routes: cacheRoutes, close: () => backend.close() };
}

function validateKey(key: string | undefined): string {
  if (key === undefined || !keyPattern.test(key)) throw cacheErrors.CACHE_KEY_INVALID();
  return key;
}
