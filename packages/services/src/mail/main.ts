import { join } from 'node:path';
import { createServicePlumbing } from '../kit/events/service-plumbing.js';
import { runService } from '../kit/service-main.js';
import { createMailApp } from './app.js';
import { createSpamFilter, createVirusScanner, spamMigrations } from './filters/index.js';
import { mailDatabaseFile, openMailStore } from './store.js';
import { mailEventHandlers, refreshUserCache } from './user-events.js';
import { createAuthLookup, createUserDirectory } from './users.js';

void runService((deps) => {
  const { config } = deps;
  if (!config.dataDir) throw new Error('mail keeps its messages in a database: set TOPOLAB_DATA_DIR.');
  const store = openMailStore(join(config.dataDir, mailDatabaseFile), { extraMigrations: spamMigrations });
  // Auth is reached like any other service (the catalog, round-robin); its domain events (a user deleted or renamed) arrive on the bus.
  const plumbing = createServicePlumbing(deps);
  const users = createUserDirectory({ lookup: createAuthLookup(plumbing.caller) });
  const filters = { spam: createSpamFilter({ db: store.db }), virus: createVirusScanner() };
  const events = plumbing.consume({ db: store.db, handlers: mailEventHandlers(store), onEvent: refreshUserCache(users) });
  return plumbing.serve(createMailApp({ store, users, filters, ...plumbing.appOptions(events) }), store);
});
