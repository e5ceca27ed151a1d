import { loadConfig } from '../kit/config.js';
import { warmUpKeySet } from '../kit/service-auth/key-set.js';
import { runService } from '../kit/service-main.js';
import { createBusApp } from './app.js';
import { parseBusSettings } from './config.js';
import { createEmbeddedBusBackend } from './embedded-backend.js';

const settings = loadConfig(() => parseBusSettings());
// `routes: []` registers the bus in the catalog (heartbeating) without any gateway route.
// Publishing needs `bus.publish` (and a topic this client may publish on), reading `bus.subscribe`.
await runService(({ config, telemetry, createServiceGuard }) => ({
  ...createBusApp({ backend: createEmbeddedBusBackend(), telemetry, bodyLimit: config.bodyLimit, keepAliveMs: settings.keepAliveMs, serviceAuth: createServiceGuard() }),
  warm: warmUpKeySet,
}));
