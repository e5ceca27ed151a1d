import { describe, expect, it } from 'vitest';
import type { RouteEntry } from '../../contract/registry-api.js';
import { buildCatalog, createFixedCatalog } from '#test-support/gateway.js';
import { createServerDiscovery } from './server-discovery.js';

const profile: RouteEntry = { prefix: '/profile', access: 'public', service: 'profile' };
const mail: RouteEntry = { prefix: '/mail', access: 'protected', service: 'mail' };
const services = {
  profile: [{ id: 'profile#1', host: '127.0.5.1', port: 1 }],
  lb: [
    { id: 'lb#1', host: '127.0.7.1', port: 7 },
    { id: 'lb#2', host: '127.0.7.2', port: 8 },
  ],
};

describe('server discovery', () => {
  it('picks lb instances round-robin whatever the route, never a service instance', () => {
    const discovery = createServerDiscovery({ catalog: createFixedCatalog(buildCatalog([profile, mail], services)), upstreamTimeoutMs: 100 });
    expect(discovery.name).toBe('server');
    expect([discovery.pick(profile)?.id, discovery.pick(mail)?.id, discovery.pick(profile)?.id]).toEqual(['lb#1', 'lb#2', 'lb#1']);
    expect(discovery.pick(profile, new Set(['lb#1', 'lb#2']))).toBeUndefined();
    discovery.close();
  });

  it('ejects an lb that refused and finds none without an lb in the catalog', () => {
    const catalog = createFixedCatalog(buildCatalog([profile], services));
    const discovery = createServerDiscovery({ catalog, upstreamTimeoutMs: 100 });
    discovery.refused(discovery.pick(profile)!);
    expect([discovery.pick(profile)?.id, discovery.pick(profile)?.id]).toEqual(['lb#2', 'lb#2']);
    catalog.set(buildCatalog([profile], { profile: services.profile }, 2));
    expect(discovery.pick(profile)).toBeUndefined();
    discovery.close();
  });

  it('waits longer than the lb may take for two attempts', () => {
    const discovery = createServerDiscovery({ catalog: createFixedCatalog(buildCatalog([profile], services)), upstreamTimeoutMs: 5000 });
    expect(discovery.attemptTimeoutMs).toBeGreaterThan(2 * 5000);
  });
});
