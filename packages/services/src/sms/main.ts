import { join } from 'node:path';
import { runService } from '../kit/service-main.js';
import { createSmsApp } from './app.js';
import { openSmsStore } from './store.js';

await runService(({ config, telemetry }) => {
  const store = openSmsStore(join(config.dataDir ?? '.', 'sms.db'));
  const { server, routes } = createSmsApp({ store, telemetry, bodyLimit: config.bodyLimit });
  return { server, routes, close: () => store.close() };
});
