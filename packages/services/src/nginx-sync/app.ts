import type { Server } from 'node:http';
import { registrationCommands } from '../contract/manifest.js';
import type { CatalogCache } from '../kit/discovery/catalog-cache.js';
import type { HttpClient } from '../kit/http/client.js';
import { Router, defineRoute } from '../kit/http/router.js';
import { createHttpServer } from '../kit/http/server.js';
import type { CommandHandler } from '../kit/ipc.js';
import type { ServiceApp } from '../kit/service-main.js';
import type { Telemetry } from '../kit/telemetry.js';
import type { NginxSyncConfig } from './config.js';
import { createConfigSync, type ConfigSync, type ReloadRecord } from './config-sync.js';
import { createNginxControl } from './nginx-control.js';
import { createNginxRegistration, type NginxRegistration } from './nginx-registration.js';
import type { ServiceCredentials } from '../contract/service-token-source.js';

/** What `GET /health` of nginx-sync answers. */
export interface NginxSyncHealth {
  readonly status: 'ok';
  /** The config generation in nginx.conf. */
  readonly generation: number;
  readonly nginx: { readonly instanceId: string; readonly registered: boolean; readonly lastReload?: ReloadRecord };
}

/** Options of createNginxSyncApp. */
export interface NginxSyncAppOptions {
  readonly config: NginxSyncConfig;
  readonly catalog: CatalogCache;
  readonly http: HttpClient;
  readonly telemetry: Telemetry;
  /** Its service token for the registry, to hold nginx's lease (main.ts: the kit's platform token). */
  readonly credentials?: ServiceCredentials | undefined;
}

/** The built, unstarted nginx-sync. */
export interface NginxSyncApp extends ServiceApp {
  readonly server: Server;
  readonly sync: ConfigSync;
  readonly registration: NginxRegistration;
}

/**
 * nginx-sync: follows the registry (catalog cache), keeps nginx.conf and a running nginx in
 * step (createConfigSync), and keeps nginx registered as an lb instance while it answers
 * (createNginxRegistration). It serves only its own `/health`; it registers nothing for itself.
 */
export function createNginxSyncApp(options: NginxSyncAppOptions): NginxSyncApp {
  const { config, catalog, telemetry } = options;
  const control = createNginxControl(config.nginx);
  const sync = createConfigSync({
    catalog,
    control,
    telemetry,
    settings: {
      host: config.nginx.host,
      port: config.nginx.port,
      dir: config.nginx.dir,
      upstreamTimeoutMs: config.upstreamTimeoutMs,
      clientBodyTimeoutMs: config.clientBodyTimeoutMs,
      bodyLimit: config.bodyLimit,
      ...(config.nginx.logAddress ? { logAddress: config.nginx.logAddress } : {}),
      ...(config.nginx.workerUser ? { workerUser: config.nginx.workerUser } : {}),
    },
  });
  if (!config.registryUrl) throw new Error('nginx-sync follows the registry: set TOPOLAB_REGISTRY_URL.');
  const registration = createNginxRegistration({ target: config.nginx, control, registryUrl: config.registryUrl, heartbeatMs: config.heartbeatMs, http: options.http, telemetry, credentials: options.credentials });
  const router = new Router().add(
    defineRoute({
      method: 'GET',
      path: '/health',
      handler: (): NginxSyncHealth => ({
        status: 'ok',
        generation: sync.generation,
        nginx: { instanceId: config.nginx.instanceId, registered: registration.registered, ...(sync.lastReload ? { lastReload: sync.lastReload } : {}) },
      }),
    }),
  );
  const onCommand: CommandHandler = (command, args) => {
    if (args.instanceId !== config.nginx.instanceId) throw new Error(`nginx-sync keeps the registration of ${config.nginx.instanceId} only`);
    if (command === registrationCommands.pause) return registration.pause();
    if (command === registrationCommands.resume) return registration.resume();
    throw new Error(`nginx-sync does not understand the command ${command}`);
  };
  return {
    server: createHttpServer({ router, telemetry, bodyLimit: config.bodyLimit }),
    sync,
    registration,
    onCommand,
    async start() {
      await catalog.start(Date.now() + 10_000);
      await sync.start();
      if (sync.generation === 0) throw new Error(`nginx-sync could not write ${config.nginx.dir}/nginx.conf`);
      registration.start();
    },
    close() {
      registration.stop();
      sync.stop();
      catalog.stop();
    },
  };
}
