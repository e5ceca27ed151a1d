import type { CatalogCache } from '../kit/discovery/catalog-cache.js';
import type { ServiceCaller } from '../kit/discovery/service-caller.js';
import type { AuthMode, AuthModeName } from './auth/auth-mode.js';
import { createRemoteAuth } from './auth/remote-auth.js';
import { createClientDiscovery } from './discovery/client-discovery.js';
import type { DiscoveryMode, DiscoveryModeName } from './discovery/discovery-mode.js';

/** The modes in force, read once per request so a switch never mixes two modes in one request. */
export interface ActiveModes {
  readonly discovery: DiscoveryMode;
  readonly auth: AuthMode;
}

/** The one place that holds the active modes; replacing one is a single assignment. */
export interface Modes {
  /** The modes in force now. */
  current(): ActiveModes;
  /** Makes `mode` the discovery mode for every request that starts from now on; returns the previous one (the caller closes it). */
  setDiscovery(mode: DiscoveryMode): DiscoveryMode;
  /** Makes `mode` the auth mode for every request that starts from now on; returns the previous one (the caller closes it). */
  setAuth(mode: AuthMode): AuthMode;
}

/** Creates the modes holder with the modes the gateway starts with. */
export function createModes(initial: ActiveModes): Modes {
  let active: ActiveModes = Object.freeze({ ...initial });
  return {
    current: () => active,
    setDiscovery(mode) {
      const previous = active.discovery;
      active = Object.freeze({ ...active, discovery: mode });
      return previous;
    },
    setAuth(mode) {
      const previous = active.auth;
      active = Object.freeze({ ...active, auth: mode });
      return previous;
    },
  };
}

/** What any mode may need to build itself. */
export interface ModeDeps {
  /** The gateway's cached copy of the registry. */
  readonly catalog: CatalogCache;
  /** Calls "some instance of service X" through the catalog. */
  readonly caller: ServiceCaller;
  /** Timeout of a call a mode makes (an introspection). */
  readonly timeoutMs: number;
}

const discoveryFactories: Readonly<Record<DiscoveryModeName, (deps: ModeDeps) => DiscoveryMode>> = {
  client: (deps) => createClientDiscovery({ catalog: deps.catalog }),
};

const authFactories: Readonly<Record<AuthModeName, (deps: ModeDeps) => AuthMode>> = {
  remote: (deps) => createRemoteAuth({ caller: deps.caller, timeoutMs: deps.timeoutMs }),
};

/** Builds the discovery mode named `name`. */
export function createDiscoveryMode(name: DiscoveryModeName, deps: ModeDeps): DiscoveryMode {
  return discoveryFactories[name](deps);
}

/** Builds the auth mode named `name`. */
export function createAuthMode(name: AuthModeName, deps: ModeDeps): AuthMode {
  return authFactories[name](deps);
}
