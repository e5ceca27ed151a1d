import { runService } from '../kit/service-main.js';
import { createCacheApp } from './app.js';
import { createEmbeddedCacheBackend } from './embedded-backend.js';

// `routes: []` registers the cache in the catalog (heartbeating) without any gateway route.
await runService(({ config, telemetry }) => createCacheApp({ backend: createEmbeddedCacheBackend(), telemetry, bodyLimit: config.bodyLimit }));
