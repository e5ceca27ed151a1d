import { loadConfig } from '../kit/config.js';
import { runService } from '../kit/service-main.js';
import { createLbApp } from './app.js';
import { parseLbConfig } from './config.js';

const config = loadConfig(() => parseLbConfig());

// The lb registers with no routes: the gateway finds it as service `lb` in server discovery mode.
void runService((deps) => {
  const catalog = deps.createCatalog();
  const server = createLbApp({ config, telemetry: deps.telemetry, catalog });
  return {
    server,
    routes: [],
    start: () => catalog.start(Date.now() + 10_000),
    close: () => catalog.stop(),
  };
});
