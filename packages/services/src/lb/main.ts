import { ConfigError } from '../kit/config.js';
import { runService } from '../kit/service-main.js';
import { createLbApp } from './app.js';
import { parseLbConfig, type LbConfig } from './config.js';

let config: LbConfig;
try {
  config = parseLbConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}

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
