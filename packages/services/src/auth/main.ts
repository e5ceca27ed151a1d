import { createBackendClients } from '../kit/clients/backend-clients.js';
import { createServiceCaller } from '../kit/discovery/service-caller.js';
import { runService } from '../kit/service-main.js';
import { loadConfig } from '../kit/config.js';
import { createServiceTokenSource, projectedTokensIn } from '../contract/service-token-source.js';
import { createAuthApp } from './app.js';
import { createClientCredentials } from './client-credentials.js';
import { parseAuthSettings } from './config.js';
import { createSmsSender } from './sms-sender.js';
import { openAuthStore } from './store.js';
import { createAccessTokens } from './tokens.js';

// How long start-up may wait for the registry's catalog (needed to reach SMS).
const catalogTimeoutMs = 10_000;

void runService(async ({ config, telemetry, http, createCatalog, identity }) => {
  const settings = loadConfig(() => parseAuthSettings());
  if (!config.dataDir) throw new Error('auth keeps its users in a database: set TOPOLAB_DATA_DIR.');
  const store = openAuthStore(config.dataDir);
  const tokens = await createAccessTokens({ store, signingKey: settings.signingKey });
  // SMS is reached like any other service: resolved in the registry's catalog, round-robin; bus and
  // cache too when embedded, or Redis directly (`--cache redis`, `--bus redis`).
  const catalog = createCatalog();
  // auth signs its own service tokens (to call sms): no token request to itself.
  const clientCredentials = createClientCredentials({ tokens, clientKey: settings.clientKey, telemetry, clock: Date.now });
  // Its platform tokens (registry, bus, cache) come from the runtime like everyone's; without them it signs its own too.
  const ownTokens = config.client
    ? createServiceTokenSource({ clientId: config.client.id, fetch: clientCredentials.fetchOwn(config.client.id), ...(config.platformTokensDir ? { projected: projectedTokensIn(config.platformTokensDir) } : {}) })
    : undefined;
  const caller = createServiceCaller(catalog, http, ownTokens);
  const sms = createSmsSender(caller);
  const backends = createBackendClients({ config, telemetry, catalog, caller, http });
  const app = createAuthApp({ clientCredentials, store, sms, tokens, bus: backends.bus, cache: backends.cache, telemetry, identity, config: { ...settings, bodyLimit: config.bodyLimit } });
  telemetry.info('auth configured', { kid: tokens.kid, accessTokenTtlS: settings.accessTokenTtlS, refreshTokenTtlS: settings.refreshTokenTtlS, serviceTokens: settings.clientKey !== undefined });
  return {
    ...app,
    tokens: ownTokens,
    async start() {
      await catalog.start(Date.now() + catalogTimeoutMs);
    },
    close() {
      app.close();
      backends.close();
      catalog.stop();
      store.close();
    },
  };
});
