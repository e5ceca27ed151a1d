import { describe, expect, it } from 'vitest';
import type { Catalog, InstanceRecord } from '../../contract/registry-api.js';
import type { CatalogListener } from './catalog-cache.js';
import { createInstancePicker } from './instance-picker.js';
import { createPassiveHealth } from './passive-health.js';

function instance(n: number, lastHeartbeat = 0): InstanceRecord {
  return { service: 'profile', instanceId: `profile#${n}`, host: `127.0.5.${n}`, port: 4000 + n, registeredAt: 0, lastHeartbeat };
}

function fakeCatalog(initial: readonly InstanceRecord[]) {
  let instances = initial;
  const listeners = new Set<CatalogListener>();
  return {
    instances: (service: string) => (service === 'profile' ? instances : []),
    onChange(listener: CatalogListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next: readonly InstanceRecord[], version: number) {
      instances = next;
      const catalog: Catalog = { epoch: 'e', version, routes: [], services: { profile: next } };
      for (const listener of listeners) listener(catalog, undefined);
    },
  };
}

describe('instance picker', () => {
  it('skips an instance that failed 5 times in a row until a refresh shows a newer heartbeat', () => {
    let now = 1_000;
    const catalog = fakeCatalog([instance(1), instance(2)]);
    const picker = createInstancePicker({ catalog, passiveHealth: createPassiveHealth({ clock: () => now }) });
    const first = picker.pick('profile')!;
    expect(first.id).toBe('profile#1');
    for (let i = 0; i < 5; i++) picker.settled(first, i % 2 === 0 ? 'timeout' : 'failed');
    expect([picker.pick('profile')?.id, picker.pick('profile')?.id, picker.pick('profile')?.id]).toEqual(['profile#2', 'profile#2', 'profile#2']);
    expect(picker.pick('profile', new Set(['profile#2']))).toBeUndefined();
    // A periodic refresh keeps the catalog version but carries fresh heartbeats.
    now = 2_000;
    catalog.set([instance(1, 2_500), instance(2, 2_500)], 1);
    expect(new Set([picker.pick('profile')?.id, picker.pick('profile')?.id])).toEqual(new Set(['profile#1', 'profile#2']));
    picker.close();
  });

  it('resets the count on an answer, so scattered failures never skip', () => {
    const catalog = fakeCatalog([instance(1)]);
    const picker = createInstancePicker({ catalog, passiveHealth: createPassiveHealth({ failures: 2 }) });
    const only = picker.pick('profile')!;
    for (let i = 0; i < 5; i++) {
      picker.settled(only, 'failed');
      picker.settled(only, 'answered');
    }
    expect(picker.pick('profile')?.id).toBe('profile#1');
  });

  it('ejects a refused instance until the catalog lists another incarnation of it', () => {
    const catalog = fakeCatalog([instance(1), instance(2)]);
    const picker = createInstancePicker({ catalog });
    picker.refused(picker.pick('profile')!);
    expect([picker.pick('profile')?.id, picker.pick('profile')?.id]).toEqual(['profile#2', 'profile#2']);
    catalog.set([{ ...instance(1), registeredAt: 5 }, instance(2)], 2);
    expect(new Set([picker.pick('profile')?.id, picker.pick('profile')?.id])).toEqual(new Set(['profile#1', 'profile#2']));
  });
});
