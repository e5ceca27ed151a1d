import { createBackendClients } from '../clients/backend-clients.js';
import type { BusClient } from '../clients/bus-client.js';
import type { CacheClient } from '../clients/cache-client.js';
import type { ServiceCaller } from '../discovery/service-caller.js';
import type { ServiceAppOptions } from '../http/app-options.js';
import type { ServiceGuard } from '../service-auth/guard.js';
import type { ServiceDeps } from '../service-main.js';
import type { SqliteDatabase } from '../sqlite.js';
import { createDomainEvents, type DomainEvents, type DomainEventsOptions } from './domain-events.js';

// How long start-up may wait for the registry's catalog (to find auth, the bus and the cache).
const catalogTimeoutMs = 10_000;

/** What a domain service's `main.ts` wires the same way in every service. */
export interface ServicePlumbing {
  /** Calls other services through the catalog, with this instance's service token. */
  readonly caller: ServiceCaller;
  /** The topology's bus and global cache (embedded services, or Redis). */
  readonly bus: BusClient;
  readonly cache: CacheClient;
  /** Checks the service tokens sent to this service's internal routes. */
  readonly guard: ServiceGuard;
  /** Consumes auth's domain events into `db` (call once, before `start`). */
  consume(options: { readonly db: SqliteDatabase; readonly handlers: DomainEventsOptions['handlers']; readonly onEvent?: DomainEventsOptions['onEvent'] }): DomainEvents;
  /** Loads the catalog, runs `beforeConsuming` (chat waits for its streams), then starts consuming. */
  start(beforeConsuming?: () => Promise<void>): Promise<void>;
  /** Stops consuming, closes the backend clients and the catalog (before the caller closes its database). */
  close(): void;
  /** The options every store-keeping app takes from the plumbing: telemetry, body limit, guard, identity, and `events`' applied log. */
  appOptions(events?: DomainEvents): ServiceAppOptions;
  /** What `runService` runs: `app`, started by `start()`, closed by `close()` and then `store`. */
  serve<App extends object>(app: App, store: { close(): void }): App & { start(): Promise<void>; close(): void };
}

/** Builds the catalog, caller, backend clients, guard and (on demand) the event consumer of one instance. */
export function createServicePlumbing(deps: ServiceDeps): ServicePlumbing {
  const { config, telemetry, http } = deps;
  const catalog = deps.createCatalog();
  const caller = deps.createServiceCaller(catalog);
  const backends = createBackendClients({ config, telemetry, catalog, caller, http });
  let events: DomainEvents | undefined;
  const plumbing: ServicePlumbing = {
    caller,
    bus: backends.bus,
    cache: backends.cache,
    guard: deps.createServiceGuard(caller),
    consume(options) {
      events = createDomainEvents({ config, telemetry, caller, bus: backends.bus, ...options });
      return events;
    },
    async start(beforeConsuming) {
      await catalog.start(Date.now() + catalogTimeoutMs);
      await beforeConsuming?.();
      await events?.consumer.start();
    },
    close() {
      events?.consumer.close();
      backends.close();
      catalog.stop();
    },
    appOptions(consumed) {
      return { telemetry, bodyLimit: config.bodyLimit, serviceAuth: plumbing.guard, identity: deps.identity, ...(consumed ? { appliedEvents: consumed.applied } : {}) };
    },
    serve(app, store) {
      return {
        ...app,
        start: () => plumbing.start(),
        close: () => {
          plumbing.close();
          store.close();
        },
      };
    },
  };
  return plumbing;
}
