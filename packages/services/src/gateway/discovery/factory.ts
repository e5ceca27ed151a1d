import { createPassiveHealth } from '../../kit/discovery/passive-health.js';
import type { ModeDeps } from '../mode-deps.js';
import { createClientDiscovery } from './client-discovery.js';
import type { DiscoveryMode, DiscoveryModeName } from './discovery-mode.js';
import { createServerDiscovery } from './server-discovery.js';

const discoveryFactories: Readonly<Record<DiscoveryModeName, (deps: ModeDeps) => DiscoveryMode>> = {
  client: (deps) => createClientDiscovery({ catalog: deps.catalog, passiveHealth: passiveHealthOf(deps) }),
  server: (deps) => createServerDiscovery({ catalog: deps.catalog, upstreamTimeoutMs: deps.config.upstreamTimeoutMs, passiveHealth: passiveHealthOf(deps) }),
};

/** Builds the discovery mode named `name`. */
export function createDiscoveryMode(name: DiscoveryModeName, deps: ModeDeps): DiscoveryMode {
  return discoveryFactories[name](deps);
}

function passiveHealthOf(deps: ModeDeps) {
  return createPassiveHealth({ failures: deps.config.passiveHealthFailures, telemetry: deps.telemetry });
}
