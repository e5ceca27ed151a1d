import { describe, expect, it } from 'vitest';
import type { Catalog, CatalogEvent } from '../contract/registry-api.js';
import type { CatalogListener } from '../kit/discovery/catalog-cache.js';
import { recordTelemetry } from '#test-support/kit.js';
import { createConfigSync } from './config-sync.js';

function fakeCatalog(initial: Catalog) {
  const listeners = new Set<CatalogListener>();
  const cache = {
    current: initial as Catalog | undefined,
    onChange(listener: CatalogListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    push(next: Catalog, event?: CatalogEvent) {
      cache.current = next;
      for (const listener of listeners) listener(next, event);
    },
  };
  return cache;
}

const profile = (n: number) => ({ service: 'profile', instanceId: `profile#${n}`, host: `127.0.5.${n}`, port: 4000 + n, registeredAt: 1, lastHeartbeat: 1 });
const catalogWith = (version: number, instances: number[]): Catalog => ({ epoch: 'e', version, routes: [{ prefix: '/profile', service: 'profile', access: 'protected' }], services: { profile: instances.map(profile) } });

describe('nginx-sync keeping nginx.conf in step with the registry', () => {
  it('writes the first config before nginx runs, then reloads on each routing change with the lag from the registry change', async () => {
    const catalog = fakeCatalog(catalogWith(1, [1, 2]));
    const written: string[] = [];
    const reloads: number[] = [];
    let pid: number | undefined;
    const recorded = recordTelemetry('nginx-sync');
    let now = 10_000;
    const sync = createConfigSync({
      catalog,
      control: { writeConfig: (text) => void written.push(text), pid: () => pid, reload: async (generation) => (reloads.push(generation), 4) },
      telemetry: recorded.telemetry,
      settings: { host: '127.0.12.1', port: 8000, dir: '/tmp/n', upstreamTimeoutMs: 5000, bodyLimit: 1024 },
      clock: () => now,
    });
    await sync.start();
    expect(written).toHaveLength(1);
    expect(reloads).toEqual([]);
    pid = 99;
    // A heartbeat-only refresh renders the same routing: nothing to reload.
    catalog.push(catalogWith(1, [1, 2]));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(reloads).toEqual([]);
    now = 10_030;
    catalog.push(catalogWith(2, [1]), { catalog: catalogWith(2, [1]), change: { version: 2, kind: 'evicted', time: 10_000, instance: profile(2) } });
    await expect.poll(() => reloads).toEqual([2]);
    expect(written.at(-1)).not.toContain('127.0.5.2');
    expect(recorded.events()).toEqual([{ name: 'nginx.reloaded', data: { generation: 2, catalogVersion: 2, change: 'evicted profile#2', lagMs: 30, reloadMs: 4 } }]);
    expect(sync.lastReload).toMatchObject({ generation: 2, lagMs: 30 });
    sync.stop();
  });

  it('folds changes that arrive during a reload into one next reload, timed from the earliest', async () => {
    const catalog = fakeCatalog(catalogWith(1, [1, 2, 3]));
    const reloads: number[] = [];
    let release: () => void = () => undefined;
    const recorded = recordTelemetry('nginx-sync');
    const sync = createConfigSync({
      catalog,
      control: {
        writeConfig: () => undefined,
        pid: () => 99,
        reload: (generation) => {
          reloads.push(generation);
          return new Promise<number>((resolve) => (release = () => resolve(1)));
        },
      },
      telemetry: recorded.telemetry,
      settings: { host: '127.0.12.1', port: 8000, dir: '/tmp/n', upstreamTimeoutMs: 5000, bodyLimit: 1024 },
      clock: () => 20_000,
    });
    const started = sync.start();
    release();
    await started;
    const change = (version: number, instances: number[], time: number, n: number): [Catalog, CatalogEvent] => [catalogWith(version, instances), { catalog: catalogWith(version, instances), change: { version, kind: 'evicted', time, instance: profile(n) } }];
    catalog.push(...change(2, [1, 2], 19_000, 3));
    await expect.poll(() => reloads).toEqual([1, 2]);
    // Two more changes while generation 2 is being confirmed: one reload for both.
    catalog.push(...change(3, [1], 19_500, 2));
    catalog.push(...change(4, [], 19_800, 1));
    await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    await expect.poll(() => reloads).toEqual([1, 2, 3]);
    release();
    await expect.poll(() => recorded.events()).toHaveLength(3);
    expect(reloads).toEqual([1, 2, 3]);
    expect(recorded.events().map((event) => [event.data.change, event.data.lagMs])).toEqual([
      [undefined, 0],
      ['evicted profile#3', 1000],
      ['evicted profile#1', 500],
    ]);
    sync.stop();
  });
});
