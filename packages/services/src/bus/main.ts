import { loadConfig } from '../kit/config.js';
import { runService } from '../kit/service-main.js';
import { createBusApp } from './app.js';
import { parseBusSettings } from './config.js';
import { createEmbeddedBusBackend } from './embedded-backend.js';

const settings = loadConfig(() => parseBusSettings());

// `routes: []` registers the bus in the catalog (heartbeating) without any gateway route.
await runService(({ config, telemetry }) =>
  createBusApp({ backend: createEmbeddedBusBackend(), telemetry, bodyLimit: config.bodyLimit, keepAliveMs: settings.keepAliveMs }),
);
