import { ConfigError } from '../kit/config.js';
import { runService } from '../kit/service-main.js';
import { createBusApp } from './app.js';
import { parseBusSettings, type BusSettings } from './config.js';
import { createEmbeddedBusBackend } from './embedded-backend.js';

let settings: BusSettings;
try {
  settings = parseBusSettings();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}

// `routes: []` registers the bus in the catalog (heartbeating) without any gateway route.
await runService(({ config, telemetry }) =>
  createBusApp({ backend: createEmbeddedBusBackend(), telemetry, bodyLimit: config.bodyLimit, keepAliveMs: settings.keepAliveMs }),
);
