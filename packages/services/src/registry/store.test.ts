import { describe, expect, it } from 'vitest';
import type { CatalogChange, RegisterRequest } from '../contract/registry-api.js';
import { ServiceError } from '../kit/errors.js';
import { createRegistryStore } from './store.js';
import { testAuth1, testProfile1 } from '#test-support/registry.js';

const profile1 = testProfile1;
const profile2: RegisterRequest = { ...profile1, instanceId: 'profile#2', host: '127.0.5.2', pid: 102 };
const auth1: RegisterRequest = { ...testAuth1, routes: [...testAuth1.routes, { prefix: '/auth/logout', access: 'protected' }] };

function setup() {
  let now = 10_000;
  const store = createRegistryStore({ clock: () => now, epoch: 'epoch-1' });
  const changes: CatalogChange[] = [];
  store.onChange((change) => changes.push(change));
  return { store, changes, advance: (ms: number) => (now += ms), now: () => now };
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof ServiceError ? error.code : 'not a ServiceError';
  }
  return undefined;
}

describe('registry store', () => {
  it('lists registered instances by id and routes longest prefix first', () => {
    const { store } = setup();
    store.register(profile2);
    store.register(auth1);
    store.register(profile1);
    const catalog = store.catalog();
    expect(catalog.epoch).toBe('epoch-1');
    expect(catalog.version).toBe(3);
    expect(catalog.routes.map((route) => route.prefix)).toEqual(['/auth/logout', '/profile', '/auth']);
    expect(catalog.routes[0]).toEqual({ prefix: '/auth/logout', access: 'protected', service: 'auth' });
    expect(catalog.services.profile?.map((instance) => instance.instanceId)).toEqual(['profile#1', 'profile#2']);
    expect(catalog.services.profile?.[0]).toStrictEqual({
      service: 'profile',
      instanceId: 'profile#1',
      host: '127.0.5.1',
      port: 4001,
      pid: 101,
      registeredAt: 10_000,
      lastHeartbeat: 10_000,
    });
    expect(catalog.services.auth?.[0]).not.toHaveProperty('pid');
  });

  it('refuses a prefix owned by another service without changing anything', () => {
    const { store, changes } = setup();
    store.register(auth1);
    const thief = { ...profile1, routes: [{ prefix: '/profile', access: 'protected' as const }, { prefix: '/auth', access: 'public' as const }] };
    expect(codeOf(() => store.register(thief))).toBe('REGISTRY_ROUTE_CONFLICT');
    expect(store.catalog().services.profile).toBeUndefined();
    expect(store.catalog().routes.map((route) => route.prefix)).not.toContain('/profile');
    expect(changes).toHaveLength(1);
  });

  it('treats an identical re-registration as a heartbeat, and a changed one as a change', () => {
    const { store, changes, advance } = setup();
    expect(store.register(profile1)).toMatchObject({ created: true });
    advance(100);
    const again = store.register({ ...profile1, routes: [...profile1.routes] });
    expect(again).toEqual({ created: false, change: undefined });
    expect(store.version).toBe(1);
    expect(store.catalog().services.profile?.[0]?.lastHeartbeat).toBe(10_100);
    const moved = store.register({ ...profile1, port: 4999, pid: 201 });
    expect(moved.created).toBe(false);
    expect(moved.change).toMatchObject({ version: 2, kind: 'registered', instance: { port: 4999, registeredAt: 10_100 } });
    expect(changes.map((change) => change.version)).toEqual([1, 2]);
  });

  it('keeps a route body limit in the catalog, and counts a changed limit as a change', () => {
    const { store } = setup();
    const mail = { ...profile1, service: 'mail', instanceId: 'mail#1', routes: [{ prefix: '/mail', access: 'protected' as const }, { prefix: '/mail/send', access: 'protected' as const, bodyLimit: 10_485_760 }] };
    store.register(mail);
    expect(store.catalog().routes).toEqual([
      { prefix: '/mail/send', access: 'protected', service: 'mail', bodyLimit: 10_485_760 },
      { prefix: '/mail', access: 'protected', service: 'mail' },
    ]);
    expect(store.register(mail).change).toBeUndefined();
    const raised = store.register({ ...mail, routes: [{ prefix: '/mail/send', access: 'protected', bodyLimit: 20_971_520 }] });
    expect(raised.change).toMatchObject({ kind: 'registered' });
    expect(store.catalog().routes[0]).toEqual({ prefix: '/mail/send', access: 'protected', service: 'mail', bodyLimit: 20_971_520 });
  });

  it('does not bump the version on heartbeats and rejects unknown ids', () => {
    const { store, advance } = setup();
    store.register(profile1);
    advance(50);
    store.heartbeat('profile#1');
    expect(store.version).toBe(1);
    expect(store.service('profile')?.instances[0]?.lastHeartbeat).toBe(10_050);
    expect(codeOf(() => store.heartbeat('profile#9'))).toBe('REGISTRY_INSTANCE_UNKNOWN');
    expect(codeOf(() => store.deregister('profile#9'))).toBe('REGISTRY_INSTANCE_UNKNOWN');
  });

  it('keeps routes and an empty instance list after the last instance left', () => {
    const { store } = setup();
    store.register(profile1);
    expect(store.deregister('profile#1')).toMatchObject({ version: 2, kind: 'deregistered', instance: { instanceId: 'profile#1' } });
    const catalog = store.catalog();
    expect(catalog.services).toEqual({ profile: [] });
    expect(catalog.routes).toEqual([{ prefix: '/profile', access: 'protected', service: 'profile' }]);
    expect(store.service('profile')).toEqual({ epoch: 'epoch-1', version: 2, instances: [] });
    expect(store.service('mail')).toBeUndefined();
  });

  it('evicts only instances whose last heartbeat is older than the lease', () => {
    const { store, changes, advance } = setup();
    store.register(profile1);
    store.register(profile2);
    advance(700);
    store.heartbeat('profile#2');
    advance(50);
    expect(store.evictExpired(750)).toEqual([]);
    advance(1);
    const evicted = store.evictExpired(750);
    expect(evicted).toMatchObject([{ version: 3, kind: 'evicted', instance: { instanceId: 'profile#1' } }]);
    expect(store.size).toBe(1);
    expect(changes.at(-1)?.kind).toBe('evicted');
  });

  it('gives every store its own epoch by default', () => {
    expect(createRegistryStore().epoch).not.toBe(createRegistryStore().epoch);
  });
});
