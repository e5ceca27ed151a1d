import { defaultBackends, findServiceSpec, serviceManifest, servicesWith } from '@topolab/services/contract';
import { describe, expect, it } from 'vitest';
import { buildInstanceEnv } from './instance-env.js';
import { orderStartLayers } from './start-layers.js';
import { normalizeTopologyOptions, validateReplicas } from './topology-options.js';

describe('normalizeTopologyOptions', () => {
  it('fills the defaults', () => {
    const options = normalizeTopologyOptions({ dataDir: 'relative/dir' });
    expect(options).toMatchObject({ gatewayPort: 8080, gatewayHost: '127.0.0.1', timingsPreset: 'compressed', startTimeoutMs: 10_000, logLevel: 'info', fresh: false });
    expect(options.dataDir.startsWith('/')).toBe(true);
    expect(options.replicas).toMatchObject({ registry: 1, gateway: 1, profile: 2 });
    expect(options.timings.heartbeatMs).toBe(250);
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('rejects invalid values with CONFIG_INVALID', () => {
    for (const bad of [{ dataDir: '' }, { dataDir: 'd', gatewayPort: 65536 }, { dataDir: 'd', gatewayPort: 1.5 }, { dataDir: 'd', startTimeoutMs: 0 }, { dataDir: 'd', timings: 'slow' as never }, { dataDir: 'd', logLevel: 'loud' as never }]) {
      expect(() => normalizeTopologyOptions(bad)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', exitCode: 2 }));
    }
  });

  it('profiles only Node services of the topology, into an absolute folder', () => {
    expect(normalizeTopologyOptions({ dataDir: 'd' }).cpuProfile).toBeUndefined();
    expect(normalizeTopologyOptions({ dataDir: 'd', cpuProfile: { dir: 'prof', services: ['gateway', 'lb'] } }).cpuProfile).toEqual({ dir: expect.stringMatching(/^\/.*\/prof$/), services: ['gateway', 'lb'] });
    for (const cpuProfile of [{ dir: '', services: ['gateway'] }, { dir: 'p', services: ['nosuch'] }, { dir: 'p', services: ['nginx'] }]) {
      expect(() => normalizeTopologyOptions({ dataDir: 'd', backends: { lb: 'nginx' }, cpuProfile }, { programs: false })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
  });
});

describe('validateReplicas', () => {
  it('accepts 1..9, gateways included, and keeps the registry at 1', () => {
    expect(validateReplicas({ profile: 9, auth: 3, gateway: 2 })).toMatchObject({ profile: 9, auth: 3, gateway: 2, registry: 1 });
    for (const bad of [{ profile: 0 }, { profile: 10 }, { profile: 2.5 }, { registry: 2 }, { gateway: 10 }, { nosuch: 1 } as never]) {
      expect(() => validateReplicas(bad)).toThrow(expect.objectContaining({ code: 'TOPOLOGY_INVALID_REPLICAS', exitCode: 2 }));
    }
  });

  it('gives a colocated service the replicas of its host, and refuses another count', () => {
    const manifest = ['registry', 'gateway', 'sidecar'].map((name) => findServiceSpec(name)!);
    expect(manifest.find((spec) => spec.name === 'sidecar')?.colocatedWith).toBe('gateway');
    expect(validateReplicas({ gateway: 3 }, manifest)).toMatchObject({ gateway: 3, sidecar: 3 });
    expect(validateReplicas({ gateway: 3 })).toMatchObject({ gateway: 3, sidecar: 3 });
    expect(validateReplicas({ gateway: 2, sidecar: 2 } as never, manifest)).toMatchObject({ sidecar: 2 });
    expect(() => validateReplicas({ gateway: 2, sidecar: 1 } as never, manifest)).toThrow(expect.objectContaining({ code: 'TOPOLOGY_INVALID_REPLICAS' }));
  });

  it('refuses gateway replicas whose consecutive ports pass 65535', () => {
    expect(() => normalizeTopologyOptions({ dataDir: 'd', gatewayPort: 65535, replicas: { gateway: 2 } })).toThrow(expect.objectContaining({ code: 'TOPOLOGY_INVALID_REPLICAS' }));
    expect(normalizeTopologyOptions({ dataDir: 'd', gatewayPort: 0, replicas: { gateway: 9 } }).replicas.gateway).toBe(9);
  });
});

describe('normalizeTopologyOptions modes', () => {
  it('defaults to client/remote and validates the names', () => {
    expect(normalizeTopologyOptions({ dataDir: 'd' }).modes).toEqual({ discovery: 'client', auth: 'remote' });
    expect(normalizeTopologyOptions({ dataDir: 'd', modes: { auth: 'local' } }).modes).toEqual({ discovery: 'client', auth: 'local' });
    expect(() => normalizeTopologyOptions({ dataDir: 'd', modes: { discovery: 'dns' as never } })).toThrow(expect.objectContaining({ code: 'TOPOLOGY_INVALID_MODE', exitCode: 2 }));
  });
});

describe('orderStartLayers', () => {
  it('starts the registry alone, then everything that starts after it', () => {
    const layers = orderStartLayers(servicesWith(defaultBackends)).map((layer) => layer.map((spec) => spec.name));
    expect(layers[0]).toEqual(['registry']);
    expect(layers[1]).toEqual(expect.arrayContaining(['sms', 'auth', 'profile', 'bus', 'cache', 'lb', 'sidecar']));
  });

  it('starts redis-server beside the registry and its users after both, and nginx after nginx-sync', () => {
    const layers = orderStartLayers(servicesWith({ cache: 'redis', bus: 'redis', lb: 'nginx' })).map((layer) => layer.map((spec) => spec.name));
    expect(layers[0]).toEqual(['registry', 'redis']);
    expect(layers[1]).toEqual(expect.arrayContaining(['auth', 'sidecar', 'nginx-sync']));
    expect(layers.flat()).not.toContain('cache');
    expect(layers.flat()).not.toContain('bus');
    expect(layers.flat()).not.toContain('lb');
    expect(layers.findIndex((layer) => layer.includes('nginx'))).toBeGreaterThan(layers.findIndex((layer) => layer.includes('nginx-sync')));
  });

  it('starts a colocated service in a layer before its host', () => {
    const manifest = ['registry', 'gateway', 'sidecar'].map((name) => findServiceSpec(name)!);
    const layers = orderStartLayers(manifest).map((layer) => layer.map((spec) => spec.name));
    expect(layers).toEqual([['registry'], ['sidecar'], ['gateway']]);
    const full = orderStartLayers(serviceManifest).map((layer) => layer.map((spec) => spec.name));
    expect(full.findIndex((layer) => layer.includes('sidecar'))).toBeLessThan(full.findIndex((layer) => layer.includes('gateway')));
  });

  it('rejects a cycle', () => {
    const [registry, sms] = [findServiceSpec('registry')!, findServiceSpec('sms')!];
    expect(() => orderStartLayers([{ ...registry!, startAfter: ['sms'] }, sms!])).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('buildInstanceEnv', () => {
  it('passes registry URL, data dir, timings and log level; extras cannot override them', () => {
    const env = buildInstanceEnv({
      registryUrl: 'http://127.0.1.1:4000',
      dataDir: '/data',
      timings: { heartbeatMs: 250, missedHeartbeats: 3, sweepIntervalMs: 100, catalogRefreshMs: 1000, clientBodyTimeoutMs: 3000 },
      logLevel: 'debug',
      extra: { TOPOLAB_DISCOVERY_MODE: 'server', TOPOLAB_DATA_DIR: '/elsewhere' },
    });
    expect(env).toEqual({
      TOPOLAB_DISCOVERY_MODE: 'server',
      TOPOLAB_REGISTRY_URL: 'http://127.0.1.1:4000',
      TOPOLAB_DATA_DIR: '/data',
      TOPOLAB_HEARTBEAT_MS: '250',
      TOPOLAB_MISSED_HEARTBEATS: '3',
      TOPOLAB_SWEEP_INTERVAL_MS: '100',
      TOPOLAB_CATALOG_REFRESH_MS: '1000',
      TOPOLAB_CLIENT_BODY_TIMEOUT_MS: '3000',
      TOPOLAB_LOG_LEVEL: 'debug',
    });
  });
});
