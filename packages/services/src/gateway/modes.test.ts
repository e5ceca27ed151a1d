import { describe, expect, it } from 'vitest';
import type { RouteEntry } from '../contract/registry-api.js';
import type { AuthMode } from './auth/auth-mode.js';
import { createClientDiscovery } from './discovery/client-discovery.js';
import { createModes } from './modes.js';
import { buildCatalog, createFixedCatalog } from '#test-support/gateway.js';

const route: RouteEntry = { prefix: '/profile', access: 'public', service: 'profile' };
const instances = [
  { id: 'profile#1', host: '127.0.5.1', port: 1 },
  { id: 'profile#2', host: '127.0.5.2', port: 2 },
];
const fakeAuth: AuthMode = { name: 'remote', check: async () => ({ active: false }), close: () => undefined };

describe('client discovery', () => {
  it('picks round-robin and skips an ejected instance until the catalog drops or re-registers it', () => {
    const catalog = createFixedCatalog(buildCatalog([route], { profile: instances }));
    const discovery = createClientDiscovery({ catalog });
    expect([discovery.pick(route)?.id, discovery.pick(route)?.id, discovery.pick(route)?.id]).toEqual(['profile#1', 'profile#2', 'profile#1']);
    discovery.refused(discovery.pick(route)!);
    expect([discovery.pick(route)?.id, discovery.pick(route)?.id]).toEqual(['profile#1', 'profile#1']);
    expect(discovery.pick(route, new Set(['profile#1']))).toBeUndefined();

    // A change elsewhere in the catalog (another service) does not bring the dead instance back.
    catalog.set(buildCatalog([route], { profile: instances, auth: [{ id: 'auth#1', host: '127.0.3.1', port: 3 }] }, 2));
    expect([discovery.pick(route)?.id, discovery.pick(route)?.id]).toEqual(['profile#1', 'profile#1']);

    // Evicted, then registered again: a new incarnation is picked again.
    catalog.set(buildCatalog([route], { profile: [instances[0]!] }, 3));
    catalog.set(buildCatalog([route], { profile: instances }, 4));
    expect(new Set([discovery.pick(route)?.id, discovery.pick(route)?.id])).toEqual(new Set(['profile#1', 'profile#2']));
    discovery.close();
  });

  it('brings back an ejected instance that registered again on a new address', () => {
    const catalog = createFixedCatalog(buildCatalog([route], { profile: instances }));
    const discovery = createClientDiscovery({ catalog });
    discovery.refused({ id: 'profile#2', host: '127.0.5.2', port: 2, registeredAt: 0 });
    expect(discovery.pick(route, new Set(['profile#1']))).toBeUndefined();
    catalog.set(buildCatalog([route], { profile: [instances[0]!, { id: 'profile#2', host: '127.0.5.2', port: 22 }] }, 2));
    expect(discovery.pick(route, new Set(['profile#1']))?.port).toBe(22);
    discovery.close();
  });

  it('returns undefined for a service with no instance', () => {
    const discovery = createClientDiscovery({ catalog: createFixedCatalog(buildCatalog([route], {})) });
    expect(discovery.pick(route)).toBeUndefined();
  });
});

describe('modes', () => {
  it('replaces one mode at a time; a snapshot taken before a switch stays whole', () => {
    const catalog = createFixedCatalog(buildCatalog([route], { profile: instances }));
    const first = createClientDiscovery({ catalog });
    const modes = createModes({ discovery: first, auth: fakeAuth });
    const before = modes.current();
    const second = createClientDiscovery({ catalog });
    expect(modes.setDiscovery(second)).toBe(first);
    expect(modes.current().discovery).toBe(second);
    expect(modes.current().auth).toBe(fakeAuth);
    expect(before.discovery).toBe(first);
    expect(Object.isFrozen(modes.current())).toBe(true);
    const otherAuth: AuthMode = { ...fakeAuth };
    expect(modes.setAuth(otherAuth)).toBe(fakeAuth);
    expect(modes.current()).toMatchObject({ discovery: second, auth: otherAuth });
  });
});
