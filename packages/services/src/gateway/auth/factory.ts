import type { ModeDeps } from '../mode-deps.js';
import type { AuthMode, AuthModeName } from './auth-mode.js';
import { createRemoteAuth } from './remote-auth.js';

const authFactories: Readonly<Record<AuthModeName, (deps: ModeDeps) => AuthMode>> = {
  remote: (deps) => createRemoteAuth({ caller: deps.caller, timeoutMs: deps.config.upstreamTimeoutMs }),
};

/** Builds the auth mode named `name`. */
export function createAuthMode(name: AuthModeName, deps: ModeDeps): AuthMode {
  return authFactories[name](deps);
}
