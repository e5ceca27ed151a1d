import { serviceManifest, type ServiceName, type ServiceSpec } from '@topolab/services/contract';
import { onTestFinished } from 'vitest';
import { startTopology, type TopologyEvent, type TopologyOptions } from '../src/index.js';
import { fixture, killLeftovers, makeTempDir } from './helpers.js';

/** The kit-based stand-in for any service. */
export const kitService = fixture('kit-service.mjs');

/**
 * A fixture service spec; every service but the registry starts after the registry. A fixture
 * standing in for a real service carries that service's per-service facts from the manifest
 * (the registry's role, the gateway's edge listener), which the runtime reads instead of names.
 */
export function fixtureSpec(name: string, addressOctet: number, entry = kitService, defaultReplicas = 1, extra: Partial<ServiceSpec> = {}): ServiceSpec {
  const real = serviceManifest.find((spec) => spec.name === name);
  const facts = real ? { isRegistry: real.isRegistry, singleton: real.singleton, keepsAddress: real.keepsAddress, listener: real.listener, launchEnv: real.launchEnv } : {};
  return {
    ...Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined)),
    name: name as ServiceName,
    entry,
    kind: name === 'registry' || name === 'gateway' ? 'infrastructure' : 'domain',
    defaultReplicas,
    ownsData: false,
    addressOctet,
    startAfter: name === 'registry' ? [] : ['registry'],
    ...extra,
  };
}

/** registry, sms, profile ×2 and gateway, all fixture services. */
export const fixtureManifest: readonly ServiceSpec[] = [fixtureSpec('registry', 1), fixtureSpec('sms', 4), fixtureSpec('profile', 5, kitService, 2), fixtureSpec('gateway', 2)];

/** Starts a fixture topology that is stopped (and its pids killed) when the test ends; `options.onEvent` hears every event too. */
export async function startFixtureTopology(options: Partial<TopologyOptions> = {}) {
  const dataDir = makeTempDir('topology');
  const events: TopologyEvent[] = [];
  const pids = new Set<number>();
  const topology = await startTopology({
    dataDir,
    gatewayPort: 0,
    manifest: fixtureManifest,
    graceMs: 500,
    ...options,
    onEvent: (event) => {
      options.onEvent?.(event);
      events.push(event);
      if (event.type === 'instance.state' && event.pid) pids.add(event.pid);
    },
  });
  onTestFinished(async () => {
    await topology.stop();
    killLeftovers([...pids]);
  });
  return { topology, events, pids, dataDir };
}
