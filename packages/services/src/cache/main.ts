import { warmUpKeySet } from '../kit/service-auth/key-set.js';
import { runService } from '../kit/service-main.js';
import { createCacheApp } from './app.js';
import { createEmbeddedCacheBackend } from './embedded-backend.js';

// `routes: []` registers the cache in the catalog (heartbeating) without any gateway route.
// Reads need `cache.read`, writes `cache.write` (auth's alone), checked with auth's key as handed over.
await runService(({ config, telemetry, createServiceGuard }) => ({
  ...createCacheApp({ backend: createEmbeddedCacheBackend(), telemetry, bodyLimit: config.bodyLimit, serviceAuth: createServiceGuard() }),
  warm: warmUpKeySet,
}));
