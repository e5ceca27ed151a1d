import type { Server } from 'node:http';
import type { ServiceConfig } from '../kit/config.js';
import { endStreamsOnClose } from '../kit/http/event-streams.js';
import { createHttpServer } from '../kit/http/server.js';
import { Router } from '../kit/http/router.js';
import type { ServiceGuard } from '../kit/service-auth/guard.js';
import type { ServiceApp } from '../kit/service-main.js';
import type { Telemetry } from '../kit/telemetry.js';
import { formatAddress } from './catalog.js';
import { createRegistryRoutes } from './routes.js';
import { createRegistryStore, type RegistryStore } from './store.js';
import { createSweeper, type Sweeper } from './sweeper.js';
import { createWatchHub, type WatchHub } from './watch.js';

/** The durations the registry uses, as `parseServiceConfig()` reads them. */
export type RegistryConfig = Pick<ServiceConfig, 'heartbeatMs' | 'missedHeartbeats' | 'sweepIntervalMs'> & {
  /** Request body limit in bytes. @default 1048576 */
  readonly bodyLimit?: number;
};

/** Options of createRegistryApp. */
export interface RegistryAppOptions {
  readonly config: RegistryConfig;
  readonly telemetry: Telemetry;
  /** Epoch ms now; tests pass a fake one. @default Date.now */
  readonly clock?: () => number;
  /** Identifies this start. @default a random UUID */
  readonly epoch?: string;
  /** Interval of the watch stream's keep-alive comment. @default 15000 */
  readonly keepAliveMs?: number;
  /**
   * Checks the service tokens leases need (`registry.register`; an instance holds only its own
   * lease). main.ts always passes one; without it (in-process tests of other parts) leases are open.
   */
  readonly serviceAuth?: ServiceGuard;
}

/** The built, unstarted registry, with its parts exposed for tests. */
export interface RegistryApp extends ServiceApp {
  readonly server: Server;
  readonly store: RegistryStore;
  readonly sweeper: Sweeper;
  readonly hub: WatchHub;
  /** heartbeatMs × missedHeartbeats. */
  readonly leaseMs: number;
  /** Starts the sweeper. */
  start(): Promise<void>;
  /** Stops the sweeper and ends every watch stream. */
  close(): void;
}

/** Builds the registry: state, sweeper, push stream and HTTP API. Nothing runs until `start`. */
export function createRegistryApp(options: RegistryAppOptions): RegistryApp {
  const { config, telemetry } = options;
  const leaseMs = config.heartbeatMs * config.missedHeartbeats;
  const store = createRegistryStore({ clock: options.clock, epoch: options.epoch });
  const hub = createWatchHub({ keepAliveMs: options.keepAliveMs });
  const sweeper = createSweeper({ store, leaseMs, intervalMs: config.sweepIntervalMs });

  store.onChange((change) => {
    const { service, instanceId } = change.instance;
    const address = formatAddress(change.instance);
    telemetry.event(`registry.${change.kind}`, { service, instanceId, address });
    telemetry.info(`${instanceId} ${change.kind}`, { service, instanceId, address, version: change.version });
    if (hub.size > 0) hub.publish({ catalog: store.catalog(), change });
  });

  const router = new Router().add(...createRegistryRoutes({ store, hub, heartbeatMs: config.heartbeatMs, leaseMs, telemetry, guarded: options.serviceAuth !== undefined }));
  const server = createHttpServer({ router, telemetry, bodyLimit: config.bodyLimit, serviceAuth: options.serviceAuth });
  endStreamsOnClose(server, () => hub.close());

  return {
    server,
    store,
    sweeper,
    hub,
    leaseMs,
    async start() {
      sweeper.start();
      telemetry.info('registry started', { epoch: store.epoch, leaseMs, sweepIntervalMs: config.sweepIntervalMs });
    },
    close() {
      sweeper.stop();
      hub.close();
    },
  };
}
