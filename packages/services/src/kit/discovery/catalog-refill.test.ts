import { describe, expect, it } from 'vitest';
import type { Catalog, InstanceRecord } from '../../contract/registry-api.js';
import { mergeRefillingCatalog } from './catalog-refill.js';

const instance = (service: string, id: string, port: number): InstanceRecord => ({ service, instanceId: id, host: '127.0.0.1', port, registeredAt: 1, lastHeartbeat: 1 });

const before: Catalog = {
  epoch: 'old',
  version: 9,
  routes: [
    { prefix: '/profile', access: 'protected', service: 'profile' },
    { prefix: '/auth', access: 'protected', service: 'auth' },
  ],
  services: { profile: [instance('profile', 'profile#1', 1), instance('profile', 'profile#2', 2)], auth: [instance('auth', 'auth#1', 3)] },
};

describe('mergeRefillingCatalog', () => {
  it('keeps what the restarted registry does not list yet, and lets the new catalog win for what it lists', () => {
    const fresh: Catalog = {
      epoch: 'new',
      version: 1,
      routes: [{ prefix: '/profile', access: 'public', service: 'profile' }],
      services: { profile: [instance('profile', 'profile#2', 22)] },
    };
    const merged = mergeRefillingCatalog(fresh, before);
    expect(merged.epoch).toBe('new');
    expect(merged.version).toBe(1);
    expect(merged.routes).toEqual([
      { prefix: '/profile', access: 'public', service: 'profile' },
      { prefix: '/auth', access: 'protected', service: 'auth' },
    ]);
    expect(merged.services.profile!.map((i) => [i.instanceId, i.port])).toEqual([['profile#1', 1], ['profile#2', 22]]);
    expect(merged.services.auth!.map((i) => i.instanceId)).toEqual(['auth#1']);
  });
});
