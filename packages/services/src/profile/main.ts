import { join } from 'node:path';
import { runService } from '../kit/service-main.js';
import { createProfileApp } from './app.js';
import { openProfileStore } from './store.js';

await runService(({ config, telemetry }) => {
  const store = openProfileStore(join(config.dataDir ?? '.', 'profile.db'));
  const { server, routes } = createProfileApp({ store, telemetry, bodyLimit: config.bodyLimit });
  return { server, routes, close: () => store.close() };
});
