import { request as httpRequest, type ClientRequest } from 'node:http';
import type { Catalog, CatalogEvent, InstanceRecord, RouteEntry } from '../../contract/registry-api.js';
import { createBackoff, retryUntil } from '../backoff.js';
import type { HttpClient } from '../http/client.js';
import type { Telemetry } from '../telemetry.js';
import { registryTarget } from './registry-target.js';
import { mergeRefillingCatalog } from './catalog-refill.js';
import { matchRoute } from './route-match.js';
import { createSseParser } from './sse.js';

/** Options of createCatalogCache. */
export interface CatalogCacheOptions {
  readonly registryUrl: string;
  /** Interval of the full refresh that backs up the push stream. */
  readonly refreshMs: number;
  readonly http: HttpClient;
  readonly telemetry: Telemetry;
  /** After the registry restarts, how long to keep instances it does not list again yet (one lease). @default 0 */
  readonly refillGraceMs?: number;
  /** @default Date.now */
  readonly clock?: () => number;
}

/** Called after the cached catalog changed. */
export type CatalogListener = (catalog: Catalog, event: CatalogEvent | undefined) => void;

/** A local copy of the registry's catalog, kept fresh by the push stream and a periodic refresh. */
export interface CatalogCache {
  /** Loads the catalog (retrying until `deadline`, epoch ms), then watches and refreshes. */
  start(deadline: number): Promise<void>;
  /** The cached catalog; undefined before the first load. */
  readonly current: Catalog | undefined;
  /** Live instances of a service, as last seen. */
  instances(service: string): readonly InstanceRecord[];
  /** The longest route prefix covering `path`. */
  route(path: string): RouteEntry | undefined;
  /** Listens for changes; returns the function that stops listening. */
  onChange(listener: CatalogListener): () => void;
  /** Whether the push stream is connected. */
  readonly watching: boolean;
  stop(): void;
}

/** Creates the catalog cache of a discovery client. */
export function createCatalogCache(options: CatalogCacheOptions): CatalogCache {
  const { http, telemetry, refreshMs } = options;
  const target = registryTarget(options.registryUrl);
  const listeners = new Set<CatalogListener>();
  let current: Catalog | undefined;
  let refreshTimer: NodeJS.Timeout | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let stream: ClientRequest | undefined;
  let watching = false;
  let stopped = false;

  const clock = options.clock ?? Date.now;
  // The last catalog of the previous registry epoch, kept while a restarted registry refills.
  let refill: { previous: Catalog; until: number } | undefined;
  let latest: Catalog | undefined;

  function accept(catalog: Catalog, event?: CatalogEvent): void {
    if (latest && catalog.epoch === latest.epoch && catalog.version < latest.version) return;
    if (latest && catalog.epoch !== latest.epoch && options.refillGraceMs) {
      refill = { previous: current ?? latest, until: clock() + options.refillGraceMs };
      telemetry.info('registry restarted; keeping known instances while it refills', { epoch: catalog.epoch });
    }
    if (refill && clock() >= refill.until) refill = undefined;
    const merging = refill !== undefined;
    const changed = !latest || catalog.epoch !== latest.epoch || catalog.version !== latest.version || merging || current !== latest;
    latest = catalog;
    current = refill ? mergeRefillingCatalog(catalog, refill.previous) : catalog;
    if (changed || event) for (const listener of listeners) listener(current, event);
  }

  async function fetchCatalog(): Promise<void> {
    const result = await http.call<Catalog>({ ...target, method: 'GET', path: '/v1/catalog', name: 'registry.catalog' });
    if (result.status !== 200) throw new Error(`registry answered ${result.status} for the catalog`);
    accept(result.body);
  }

  function scheduleRefresh(): void {
    refreshTimer = setTimeout(() => {
      fetchCatalog()
        .catch((error: unknown) => telemetry.debug('catalog refresh failed', { error }))
        .finally(() => {
          if (!stopped) scheduleRefresh();
        });
    }, refreshMs);
  }

  // The push stream's reconnections; reset once a stream is open.
  const watchBackoff = createBackoff({ baseMs: 100, maxMs: 2000 });

  function watch(): void {
    if (stopped) return;
    const parse = createSseParser((event) => {
      if (event.event !== 'catalog') return;
      try {
        const data = JSON.parse(event.data) as CatalogEvent;
        accept(data.catalog, data);
      } catch (error) {
        telemetry.warn('bad catalog event', { error });
      }
    });
    const reconnect = () => {
      if (stream !== req) return;
      stream = undefined;
      if (watching) telemetry.info('catalog push stream closed; reconnecting');
      watching = false;
      if (!stopped) reconnectTimer = setTimeout(watch, watchBackoff.next());
    };
    const req = httpRequest({ ...target, method: 'GET', path: '/v1/watch', headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reconnect();
        return;
      }
      watching = true;
      watchBackoff.reset();
      res.setEncoding('utf8');
      res.on('data', parse);
      res.on('end', reconnect);
      res.on('error', reconnect);
    });
    req.on('error', reconnect);
    req.end();
    stream = req;
  }

  return {
    async start(deadline) {
      await retryUntil(deadline, fetchCatalog);
      watch();
      scheduleRefresh();
    },
    get current() {
      return current;
    },
    instances(service) {
      return current?.services[service] ?? [];
    },
    route(path) {
      return current ? matchRoute(current.routes, path) : undefined;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get watching() {
      return watching;
    },
    stop() {
      stopped = true;
      clearTimeout(refreshTimer);
      clearTimeout(reconnectTimer);
      const open = stream;
      stream = undefined;
      open?.destroy();
    },
  };
}
