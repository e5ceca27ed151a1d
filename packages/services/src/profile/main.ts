import { join } from 'node:path';
import { createServicePlumbing } from '../kit/events/service-plumbing.js';
import { runService } from '../kit/service-main.js';
import { createProfileApp } from './app.js';
import { openProfileStore } from './store.js';
import { profileEventHandlers } from './user-events.js';

await runService((deps) => {
  const { config, telemetry } = deps;
  const store = openProfileStore(join(config.dataDir ?? '.', 'profile.db'));
  // Auth's domain events (a deleted user) arrive on the topology's bus, embedded or Redis Streams.
  const plumbing = createServicePlumbing(deps);
  const events = plumbing.consume({ db: store.db, handlers: profileEventHandlers(store) });
  const { server, routes } = createProfileApp({ store, telemetry, bodyLimit: config.bodyLimit, serviceAuth: plumbing.guard, identity: deps.identity, appliedEvents: events.applied });
  return {
    server,
    routes,
    start: () => plumbing.start(),
    close() {
      plumbing.close();
      store.close();
    },
  };
});
