import { runService } from '../kit/service-main.js';
import { createGraphqlApp } from './app.js';

// How long start-up may wait for the registry's catalog (to find auth, profile and mail).
const catalogTimeoutMs = 10_000;

void runService(({ telemetry, createCatalog, createServiceCaller, identity }) => {
  // Every resolver call goes through discovery with this instance's service token (graphql's grants).
  const catalog = createCatalog();
  const app = createGraphqlApp({ caller: createServiceCaller(catalog), telemetry, identity });
  return {
    ...app,
    async start() {
      await catalog.start(Date.now() + catalogTimeoutMs);
    },
    close() {
      catalog.stop();
    },
  };
});
