import type { ModeDeps } from '../mode-deps.js';
import { createClientDiscovery } from './client-discovery.js';
import type { DiscoveryMode, DiscoveryModeName } from './discovery-mode.js';

const discoveryFactories: Readonly<Record<DiscoveryModeName, (deps: ModeDeps) => DiscoveryMode>> = {
  client: (deps) => createClientDiscovery({ catalog: deps.catalog }),
};

/** Builds the discovery mode named `name`. */
export function createDiscoveryMode(name: DiscoveryModeName, deps: ModeDeps): DiscoveryMode {
  return discoveryFactories[name](deps);
}
