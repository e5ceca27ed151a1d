import { serviceManifest, type ServiceSpec } from '@topolab/services/contract';
import { describe, expect, it } from 'vitest';
import { assertBackendsAvailable, findPrograms, normalizeBackends, selectServices } from './topology-backends.js';

const names = (specs: readonly ServiceSpec[]) => specs.map((spec) => spec.name);

describe('topology backends', () => {
  it('default to every part embedded: no redis-server, no nginx', () => {
    const backends = normalizeBackends();
    expect(backends).toEqual({ cache: 'embedded', bus: 'embedded', lb: 'embedded', redisUrl: undefined });
    expect(names(selectServices(serviceManifest, backends))).toEqual(expect.arrayContaining(['cache', 'bus', 'lb']));
    expect(names(selectServices(serviceManifest, backends))).not.toEqual(expect.arrayContaining(['redis']));
    expect(names(selectServices(serviceManifest, backends)).some((name) => name === 'redis' || name === 'nginx' || name === 'nginx-sync')).toBe(false);
  });

  it('run one redis-server for the cache and the bus, and none for an external Redis', () => {
    const both = names(selectServices(serviceManifest, normalizeBackends({ cache: 'redis', bus: 'redis' })));
    expect(both).toContain('redis');
    expect(both).not.toContain('cache');
    expect(both).not.toContain('bus');
    expect(names(selectServices(serviceManifest, normalizeBackends({ bus: 'redis' })))).toEqual(expect.arrayContaining(['redis', 'cache']));
    expect(names(selectServices(serviceManifest, normalizeBackends({ cache: 'redis', redisUrl: 'redis://10.0.0.5:6379' })))).not.toContain('redis');
    const nginx = names(selectServices(serviceManifest, normalizeBackends({ lb: 'nginx' })));
    expect(nginx).toEqual(expect.arrayContaining(['nginx', 'nginx-sync']));
    expect(nginx).not.toContain('lb');
  });

  it('refuse unknown backends (TOPOLOGY_INVALID_BACKEND, exit 2) and a Redis URL that is not redis:// (CONFIG_INVALID)', () => {
    expect(() => normalizeBackends({ cache: 'memcached' as 'redis' })).toThrow(expect.objectContaining({ code: 'TOPOLOGY_INVALID_BACKEND', exitCode: 2 }));
    expect(() => normalizeBackends({ lb: 'haproxy' as 'nginx' })).toThrow(expect.objectContaining({ code: 'TOPOLOGY_INVALID_BACKEND' }));
    expect(() => normalizeBackends({ cache: 'redis', redisUrl: 'http://localhost:6379' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('fail with TOPOLOGY_BACKEND_MISSING (exit 3) and the install command when a program is not installed', () => {
    const redis = serviceManifest.find((spec) => spec.name === 'redis')!;
    const ghost: ServiceSpec = { ...redis, program: { ...redis.program!, binary: 'topolab-no-such-server', debianPackage: 'topolab-no-such-server', brewFormula: 'topolab-no-such-server' } };
    let thrown: unknown;
    try {
      findPrograms([ghost], { PATH: '/nonexistent' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'TOPOLOGY_BACKEND_MISSING', exitCode: 3, details: { binary: 'topolab-no-such-server' } });
    expect((thrown as { hint: string }).hint).toContain('apt-get install -y topolab-no-such-server');
    expect((thrown as { hint: string }).hint).toContain('REDIS_URL');
    expect(() => assertBackendsAvailable({ cache: 'redis' }, [ghost])).toThrow(expect.objectContaining({ code: 'TOPOLOGY_BACKEND_MISSING' }));
    expect(() => assertBackendsAvailable({}, [ghost])).not.toThrow();
  });
});
