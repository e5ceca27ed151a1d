import { join } from 'node:path';
import { createServiceCaller } from '../kit/discovery/service-caller.js';
import { runService } from '../kit/service-main.js';
import { createMailApp } from './app.js';
import { createSpamFilter, createVirusScanner, spamMigrations } from './filters/index.js';
import { mailDatabaseFile, openMailStore } from './store.js';
import { createAuthLookup, createUserDirectory } from './users.js';

// How long start-up may wait for the registry's catalog (needed to reach auth).
const catalogTimeoutMs = 10_000;

void runService(({ config, telemetry, http, createCatalog }) => {
  if (!config.dataDir) throw new Error('mail keeps its messages in a database: set TOPOLAB_DATA_DIR.');
  const store = openMailStore(join(config.dataDir, mailDatabaseFile), { extraMigrations: spamMigrations });
  // Auth is reached like any other service: resolved in the registry's catalog, round-robin.
  const catalog = createCatalog();
  const users = createUserDirectory({ lookup: createAuthLookup(createServiceCaller(catalog, http)) });
  const filters = { spam: createSpamFilter({ db: store.db }), virus: createVirusScanner() };
  const app = createMailApp({ store, users, filters, telemetry, bodyLimit: config.bodyLimit });
  return {
    ...app,
    async start() {
      await catalog.start(Date.now() + catalogTimeoutMs);
    },
    close() {
      catalog.stop();
      store.close();
    },
  };
});
