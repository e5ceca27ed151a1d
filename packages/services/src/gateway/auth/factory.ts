import { envNames } from '../../contract/env.js';
import { createBusClient } from '../../kit/clients/bus-client.js';
import { createCacheClient } from '../../kit/clients/cache-client.js';
import { createAccessTokenVerifier } from '../../kit/token-cache/access-token-verifier.js';
import { createIntrospection } from '../../kit/token-cache/introspection.js';
import { gatewayErrors } from '../errors.js';
import type { ModeDeps } from '../mode-deps.js';
import type { AuthMode, GatewayAuthModeName } from './auth-mode.js';
import { createGlobalAuth } from './global-auth.js';
import { createLocalAuth } from './local-auth.js';
import { createNoAuth } from './no-auth.js';
import { createRemoteAuth } from './remote-auth.js';
import { createSidecarAuth } from './sidecar-auth.js';

const clockOf = (deps: ModeDeps) => deps.clock ?? Date.now;
const introspectionOf = (deps: ModeDeps, afterCacheMiss = false) => createIntrospection({ caller: deps.caller, timeoutMs: deps.config.upstreamTimeoutMs, afterCacheMiss });
const verifierOf = (deps: ModeDeps) =>
  createAccessTokenVerifier({
    caller: deps.caller,
    key: deps.config.keys.auth,
    timeoutMs: deps.config.upstreamTimeoutMs,
    clock: clockOf(deps),
    unavailable: (extras) => gatewayErrors.GATEWAY_AUTH_UNAVAILABLE(extras),
  });

const authFactories: Readonly<Record<GatewayAuthModeName, (deps: ModeDeps) => AuthMode>> = {
  remote: (deps) => createRemoteAuth({ caller: deps.caller, timeoutMs: deps.config.upstreamTimeoutMs }),
  local: (deps) =>
    createLocalAuth({
      verifier: verifierOf(deps),
      introspection: introspectionOf(deps),
      bus: deps.bus ?? createBusClient({ catalog: deps.catalog, caller: deps.caller, http: deps.http }),
      telemetry: deps.telemetry,
      settings: deps.config,
      clock: clockOf(deps),
    }),
  global: (deps) =>
    createGlobalAuth({
      verifier: verifierOf(deps),
      cache: deps.cache ?? createCacheClient(deps.caller),
      introspection: introspectionOf(deps, true),
      telemetry: deps.telemetry,
      clock: clockOf(deps),
    }),
  sidecar: (deps) => {
    if (!deps.config.sidecarUrl) throw new Error('the sidecar auth mode needs TOPOLAB_SIDECAR_URL (the loopback URL of this gateway\'s sidecar)');
    return createSidecarAuth({ url: deps.config.sidecarUrl, http: deps.http, telemetry: deps.telemetry });
  },
  none: (deps) => {
    if (!deps.config.benchNoAuth) throw new Error(`the auth mode none is bench-only; it needs ${envNames.benchNoAuth}=1`);
    return createNoAuth();
  },
};

/** Builds the auth mode named `name`; throws when the configuration cannot support it (sidecar without a URL, none without the bench's opt-in). */
export function createAuthMode(name: GatewayAuthModeName, deps: ModeDeps): AuthMode {
  return authFactories[name](deps);
}
