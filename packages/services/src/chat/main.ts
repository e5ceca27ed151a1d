import { join } from 'node:path';
import { createBackendClients } from '../kit/clients/backend-clients.js';
import { createServiceCaller } from '../kit/discovery/service-caller.js';
import { runService } from '../kit/service-main.js';
import { createChatApp } from './app.js';
import { chatDatabaseFile, openChatStore } from './store.js';

// How long start-up waits for the catalog (to find the bus), then for the bus streams.
const catalogTimeoutMs = 10_000;
const streamsTimeoutMs = 5_000;

void runService(({ config, telemetry, http, createCatalog }) => {
  if (!config.dataDir) throw new Error('chat keeps its rooms in a database: set TOPOLAB_DATA_DIR.');
  const store = openChatStore(join(config.dataDir, chatDatabaseFile));
  const catalog = createCatalog();
  // The bus of the topology's backends: the embedded bus service, or Redis Streams.
  const backends = createBackendClients({ config, telemetry, catalog, caller: createServiceCaller(catalog, http), http });
  const app = createChatApp({ store, bus: backends.bus, telemetry, instanceId: config.instanceId, bodyLimit: config.bodyLimit });
  return {
    server: app.server,
    routes: app.routes,
    async start() {
      await catalog.start(Date.now() + catalogTimeoutMs);
      // Ready only once messages of the other instances and revocations arrive (the bus may still be starting).
      if (!(await app.whenStreaming(streamsTimeoutMs))) telemetry.warn('ready before the bus streams connected', { timeoutMs: streamsTimeoutMs });
    },
    drain: () => app.drain(),
    close() {
      app.close();
      backends.close();
      catalog.stop();
      store.close();
    },
  };
});
