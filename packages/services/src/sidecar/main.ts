import { createBusClient } from '../kit/clients/bus-client.js';
import { createCacheClient } from '../kit/clients/cache-client.js';
import { loadConfig } from '../kit/config.js';
import { createServiceCaller } from '../kit/discovery/service-caller.js';
import { runService } from '../kit/service-main.js';
import { createIntrospection } from '../kit/token-cache/introspection.js';
import { createSidecarApp } from './app.js';
import { parseSidecarConfig } from './config.js';

const config = loadConfig(() => parseSidecarConfig());

// Bus, global cache and auth are found like any service: in the registry's catalog.
void runService(({ telemetry, http, createCatalog }) => {
  const catalog = createCatalog();
  const caller = createServiceCaller(catalog, http);
  const app = createSidecarApp({
    bus: createBusClient({ catalog, caller, http }),
    cache: createCacheClient(caller),
    introspection: createIntrospection({ caller }),
    telemetry,
    settings: config,
    bodyLimit: config.bodyLimit,
  });
  telemetry.info('sidecar configured', { authCacheTtlMs: config.authCacheTtlMs, authFallbackTtlMs: config.authFallbackTtlMs });
  return {
    server: app.server,
    routes: app.routes,
    async start() {
      await catalog.start(Date.now() + 10_000);
      app.start();
    },
    close() {
      app.close();
      catalog.stop();
    },
  };
});
