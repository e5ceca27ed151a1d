import { join } from 'node:path';
import { createServicePlumbing } from '../kit/events/service-plumbing.js';
import { runService } from '../kit/service-main.js';
import { createSmsApp } from './app.js';
import { openSmsStore } from './store.js';
import { smsEventHandlers } from './user-events.js';

await runService((deps) => {
  const store = openSmsStore(join(deps.config.dataDir ?? '.', 'sms.db'));
  // Auth's domain events (a deleted user) arrive on the topology's bus, embedded or Redis Streams.
  const plumbing = createServicePlumbing(deps);
  const events = plumbing.consume({ db: store.db, handlers: smsEventHandlers(store) });
  return plumbing.serve(createSmsApp({ store, ...plumbing.appOptions(events) }), store);
});
