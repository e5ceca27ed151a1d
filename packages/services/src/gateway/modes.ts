import type { AuthMode } from './auth/auth-mode.js';
import type { DiscoveryMode } from './discovery/discovery-mode.js';

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
