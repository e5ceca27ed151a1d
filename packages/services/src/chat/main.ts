import { join } from 'node:path';
import { createServicePlumbing } from '../kit/events/service-plumbing.js';
import { runService } from '../kit/service-main.js';
import { createChatApp } from './app.js';
import { chatDatabaseFile, openChatStore } from './store.js';
import { chatEventHandlers, endDeletedUserSessions } from './user-events.js';

// How long start-up waits for the bus streams, once the catalog is loaded.
const streamsTimeoutMs = 5_000;

void runService((deps) => {
  const { config, telemetry } = deps;
  if (!config.dataDir) throw new Error('chat keeps its rooms in a database: set TOPOLAB_DATA_DIR.');
  const store = openChatStore(join(config.dataDir, chatDatabaseFile));
  // The bus of the topology's backends: the embedded bus service, or Redis Streams.
  const plumbing = createServicePlumbing(deps);
  const app = createChatApp({ store, bus: plumbing.bus, telemetry, instanceId: config.instanceId, bodyLimit: config.bodyLimit, serviceAuth: plumbing.guard, identity: deps.identity });
  // Auth's domain events: a deleted user is anonymised in history, and their sockets on this instance closed.
  plumbing.consume({ db: store.db, handlers: chatEventHandlers(store), onEvent: endDeletedUserSessions(app.hub, telemetry) });
  return {
    server: app.server,
    routes: app.routes,
    // Ready only once messages of the other instances and revocations arrive (the bus may still be starting).
    start: () =>
      plumbing.start(async () => {
        if (!(await app.whenStreaming(streamsTimeoutMs))) telemetry.warn('ready before the bus streams connected', { timeoutMs: streamsTimeoutMs });
      }),
    drain: () => app.drain(),
    close() {
      app.close();
      plumbing.close();
      store.close();
    },
  };
});
