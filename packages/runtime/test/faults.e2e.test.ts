import type { Catalog } from '@topolab/services/contract';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatHttpUrl } from '../src/topology/index.js';
import { sendHttpRequest, type Topology } from '../src/index.js';
import { startRealTopology, type RealTopology } from './real-topology.js';

// One real topology (two gateways) for every fault; each test leaves profile at two ready, registered instances.
describe('faults in the real topology', () => {
  let real: RealTopology;
  beforeAll(async () => {
    real = await startRealTopology({ prefix: 'faults', replicas: { gateway: 2 } });
  });
  afterAll(() => real?.stop());

  async function catalogIds(service: string): Promise<string[]> {
    const answer = await sendHttpRequest({ url: `${real.topology.registryUrl}/v1/catalog`, timeoutMs: 2000 });
    expect(answer.status).toBe(200);
    return ((answer.body as Catalog).services[service] ?? []).map((instance) => instance.instanceId);
  }
  const waitForCatalog = (service: string, check: (ids: string[]) => boolean, what: string) => vi.waitFor(async () => expect(check(await catalogIds(service)), what).toBeTruthy(), { timeout: 5000, interval: 10 });
  const urlOf = (topology: Topology, id: string) => {
    const info = topology.instances().find((instance) => instance.id === id)!;
    return formatHttpUrl(info.host, info.port);
  };

  it('a zombie keeps answering directly but the registry evicts it; unzombie brings it back', async () => {
    const { topology } = real;
    await waitForCatalog('profile', (ids) => ids.includes('profile#2'), 'profile#2 registered');
    await topology.fault('zombie', 'profile#2');
    await waitForCatalog('profile', (ids) => !ids.includes('profile#2'), 'the registry to evict the zombie');
    const direct = await sendHttpRequest({ url: `${urlOf(topology, 'profile#2')}/health`, timeoutMs: 2000 });
    expect(direct.status).toBe(200);
    expect(topology.instances().find((instance) => instance.id === 'profile#2')).toMatchObject({ state: 'ready', zombie: true });

    await topology.fault('unzombie', 'profile#2');
    await waitForCatalog('profile', (ids) => ids.includes('profile#2'), 'profile#2 to register again');
  });

  it('a killed instance is evicted and a restart brings it back registered', async () => {
    const { topology } = real;
    const before = topology.instances().find((instance) => instance.id === 'profile#2')!;
    await topology.fault('kill', 'profile#2');
    await waitForCatalog('profile', (ids) => !ids.includes('profile#2'), 'the registry to evict profile#2');
    await topology.fault('restart', 'profile#2');
    await waitForCatalog('profile', (ids) => ids.includes('profile#2'), 'profile#2 registered again');
    expect(topology.instances().find((instance) => instance.id === 'profile#2')!.pid).not.toBe(before.pid);
  });

  it('a paused instance misses its heartbeats and is evicted; resumed, it registers again', async () => {
    const { topology } = real;
    await topology.fault('pause', 'profile#1');
    await waitForCatalog('profile', (ids) => !ids.includes('profile#1'), 'the registry to evict the paused profile#1');
    await topology.fault('resume', 'profile#1');
    await waitForCatalog('profile', (ids) => ids.includes('profile#1'), 'profile#1 registered again');
  });

  it('scales profile up and down through the registry', async () => {
    const { topology } = real;
    await topology.scale('profile', 3);
    await waitForCatalog('profile', (ids) => ids.includes('profile#3'), 'profile#3 registered');
    await topology.scale('profile', 2);
    await waitForCatalog('profile', (ids) => ids.length === 2 && !ids.includes('profile#3'), 'profile#3 deregistered');
  });

  it('serves on every gateway replica, each on its own port', async () => {
    const { topology } = real;
    expect(topology.gatewayUrls).toHaveLength(2);
    for (const url of topology.gatewayUrls) expect((await sendHttpRequest({ url: `${url}/health`, timeoutMs: 2000 })).status).toBe(200);
  });

  it('switches the mode of every gateway, or refuses it and leaves every gateway as it was', async () => {
    const { topology } = real;
    const health = async () =>
      Promise.all(topology.gatewayUrls.map(async (url) => (await sendHttpRequest({ url: `${url}/health`, timeoutMs: 2000 })).body as { discovery: string; auth: string }));
    // Other modes are still being built: a refusal is fine, a split or a crash is not.
    const outcome = await topology.setModes({ discovery: 'server' }).then(
      (modes) => ({ ok: true as const, modes }),
      (error: { code: string }) => ({ ok: false as const, code: error.code }),
    );
    if (outcome.ok) {
      expect(outcome.modes.discovery).toBe('server');
      for (const answer of await health()) expect(answer.discovery).toBe('server');
      await topology.setModes({ discovery: 'client' });
    } else {
      expect(outcome.code).toBe('SUPERVISOR_COMMAND_FAILED');
      expect(topology.modes().discovery).toBe('client');
      for (const answer of await health()) expect(answer.discovery).toBe('client');
    }
    expect(topology.instances().filter((instance) => instance.service === 'gateway').every((instance) => instance.state === 'ready')).toBe(true);
  });
});
