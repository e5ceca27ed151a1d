import { createBackendClients } from '../kit/clients/backend-clients.js';
import { loadConfig } from '../kit/config.js';
import { runService } from '../kit/service-main.js';
import { createAccessTokenVerifier } from '../kit/token-cache/access-token-verifier.js';
import { createIntrospection } from '../kit/token-cache/introspection.js';
import { createSidecarApp } from './app.js';
import { parseSidecarConfig } from './config.js';
import { sidecarErrors } from './errors.js';

const config = loadConfig(() => parseSidecarConfig());

// Auth is found like any service, in the registry's catalog; bus and global cache too when embedded, or on Redis.
void runService(({ config: service, telemetry, http, createCatalog, createServiceCaller }) => {
  const catalog = createCatalog();
  const caller = createServiceCaller(catalog);
  const backends = createBackendClients({ config: service, telemetry, catalog, caller, http });
  const app = createSidecarApp({
    bus: backends.bus,
    cache: backends.cache,
    verifier: createAccessTokenVerifier({ caller, key: service.keys.auth, unavailable: (extras) => sidecarErrors.SIDECAR_AUTH_UNAVAILABLE(extras) }),
    introspection: createIntrospection({ caller, afterCacheMiss: true }),
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
    stopping: () => app.quiet(),
    close() {
      app.close();
      backends.close();
      catalog.stop();
    },
  };
});
