import { serviceManifest } from '@topolab/services/contract';
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
});

describe('validateReplicas', () => {
  it('accepts 1..9 and keeps registry and gateway at 1', () => {
    expect(validateReplicas({ profile: 9, auth: 3 })).toMatchObject({ profile: 9, auth: 3, registry: 1 });
    for (const bad of [{ profile: 0 }, { profile: 10 }, { profile: 2.5 }, { registry: 2 }, { gateway: 3 }, { mail: 1 } as never]) {
      expect(() => validateReplicas(bad)).toThrow(expect.objectContaining({ code: 'TOPOLOGY_INVALID_REPLICAS', exitCode: 2 }));
    }
  });
});

describe('orderStartLayers', () => {
  it('starts the registry alone, then everything that starts after it', () => {
    const layers = orderStartLayers(serviceManifest).map((layer) => layer.map((spec) => spec.name));
    expect(layers[0]).toEqual(['registry']);
    expect(layers[1]).toEqual(expect.arrayContaining(['sms', 'auth', 'profile', 'gateway']));
  });

  it('rejects a cycle', () => {
    const [registry, sms] = serviceManifest;
    expect(() => orderStartLayers([{ ...registry!, startAfter: ['sms'] }, sms!])).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('buildInstanceEnv', () => {
  it('passes registry URL, data dir, timings and log level; extras cannot override them', () => {
    const env = buildInstanceEnv({
      registryUrl: 'http://127.0.1.1:4000',
      dataDir: '/data',
      timings: { heartbeatMs: 250, missedHeartbeats: 3, sweepIntervalMs: 100, catalogRefreshMs: 1000 },
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
      TOPOLAB_LOG_LEVEL: 'debug',
    });
  });
});
