import { join } from 'node:path';
import { createServicePlumbing } from '../kit/events/service-plumbing.js';
import { runService } from '../kit/service-main.js';
import { createProfileApp } from './app.js';
import { openProfileStore } from './store.js';
import { profileEventHandlers } from './user-events.js';

await runService((deps) => {
  const store = openProfileStore(join(deps.config.dataDir ?? '.', 'profile.db'));
  // Auth's domain events (a deleted user) arrive on the topology's bus, embedded or Redis Streams.
  const plumbing = createServicePlumbing(deps);
  const events = plumbing.consume({ db: store.db, handlers: profileEventHandlers(store) });
  return plumbing.serve(createProfileApp({ store, ...plumbing.appOptions(events) }), store);
});
