import type { ServiceSpec } from '@topolab/services/contract';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createControlClient, sendHttpRequest, startControlServer, type Topology, type TopologyEvent } from '../src/index.js';
import { formatHttpUrl } from '../src/topology/index.js';
import { fixtureManifest, fixtureSpec, startFixtureTopology } from './fixture-topology.js';
import { isAlive } from './helpers.js';

const urlOf = (topology: Topology, id: string) => {
  const info = topology.instances().find((instance) => instance.id === id)!;
  return formatHttpUrl(info.host, info.port);
};
const stateOf = (topology: Topology, id: string) => topology.instances().find((instance) => instance.id === id)?.state;
const faultsOf = (events: TopologyEvent[]) => events.flatMap((event) => (event.type === 'topology.fault' ? [`${event.action} ${event.target}`] : []));

describe('faults in a fixture topology', () => {
  it('kills, restarts, pauses, resumes and stops one instance, and says what it did', async () => {
    const { topology, events } = await startFixtureTopology();
    const before = topology.instances().find((instance) => instance.id === 'profile#2')!;

    const killed = await topology.fault('kill', 'profile#2');
    expect(killed).toMatchObject({ action: 'kill', instanceId: 'profile#2' });
    expect(killed.detail).toContain(String(before.pid));
    expect(stateOf(topology, 'profile#2')).toBe('crashed');
    expect(isAlive(before.pid!)).toBe(false);

    await topology.fault('restart', 'profile#2');
    const after = topology.instances().find((instance) => instance.id === 'profile#2')!;
    expect(after.state).toBe('ready');
    expect(after.pid).not.toBe(before.pid);
    if (process.platform === 'linux') expect(after.host).toBe('127.0.5.2');

    await topology.fault('pause', 'profile#2');
    expect(stateOf(topology, 'profile#2')).toBe('paused');
    await expect(sendHttpRequest({ url: `${urlOf(topology, 'profile#2')}/ping`, timeoutMs: 300 })).rejects.toBeDefined();
    await topology.fault('resume', 'profile#2');
    expect(stateOf(topology, 'profile#2')).toBe('ready');
    expect((await sendHttpRequest({ url: `${urlOf(topology, 'profile#2')}/ping`, timeoutMs: 2000 })).status).toBe(200);

    await topology.fault('stop', 'profile#2');
    expect(stateOf(topology, 'profile#2')).toBe('exited');
    expect(faultsOf(events)).toEqual(['kill profile#2', 'restart profile#2', 'pause profile#2', 'resume profile#2', 'stop profile#2']);
  });

  it('refuses faults that do not apply, with usage codes', async () => {
    const { topology } = await startFixtureTopology();
    await expect(topology.fault('kill', 'profile#7')).rejects.toMatchObject({ code: 'SUPERVISOR_UNKNOWN_INSTANCE', exitCode: 2 });
    await topology.fault('stop', 'sms#1');
    await expect(topology.fault('stop', 'sms#1')).rejects.toMatchObject({ code: 'SUPERVISOR_NOT_RUNNING', exitCode: 2 });
    await expect(topology.fault('zombie', 'registry#1')).rejects.toMatchObject({ code: 'TOPOLOGY_FAULT_UNSUPPORTED', exitCode: 2 });
  });

  it('marks a zombie until it is undone or its process is replaced', async () => {
    const { topology } = await startFixtureTopology();
    const zombie = () => topology.instances().find((instance) => instance.id === 'profile#1')?.zombie;
    expect(zombie()).toBe(false);
    await topology.fault('zombie', 'profile#1');
    expect(zombie()).toBe(true);
    await topology.fault('unzombie', 'profile#1');
    expect(zombie()).toBe(false);
    await topology.fault('zombie', 'profile#1');
    await topology.fault('restart', 'profile#1');
    expect(zombie()).toBe(false);
  });

  it('scales a service up and down, highest index first, and refuses what cannot scale', async () => {
    const { topology, events } = await startFixtureTopology();
    expect(await topology.scale('profile', 3)).toMatchObject({ previous: 2, replicas: 3, started: ['profile#3'], stopped: [] });
    expect(await topology.scale('profile', 1)).toMatchObject({ previous: 3, replicas: 1, started: [], stopped: ['profile#3', 'profile#2'] });
    expect(topology.instances().filter((instance) => instance.service === 'profile' && instance.state === 'ready').map((instance) => instance.id)).toEqual(['profile#1']);
    expect(faultsOf(events)).toEqual(['scale profile', 'scale profile']);
    await expect(topology.scale('registry', 2)).rejects.toMatchObject({ code: 'TOPOLOGY_NOT_SCALABLE', exitCode: 2 });
    await expect(topology.scale('mainframe', 2)).rejects.toMatchObject({ code: 'TOPOLOGY_UNKNOWN_SERVICE', exitCode: 2 });
    await expect(topology.scale('profile', 10)).rejects.toMatchObject({ code: 'TOPOLOGY_INVALID_REPLICAS', exitCode: 2 });
  });
});

describe('modes in a fixture topology', () => {
  const modesOf = async (topology: Topology, id: string) => topology.supervisor.command(id, 'modes.get');
  const envOf = async (topology: Topology, id: string, name: string) => ((await topology.supervisor.command(id, 'env', { name })) as { value: string | null }).value;

  it('starts every gateway in the given modes and switches them all', async () => {
    const { topology, events } = await startFixtureTopology({ replicas: { gateway: 2 }, modes: { auth: 'local' } });
    expect(topology.modes()).toEqual({ discovery: 'client', auth: 'local' });
    expect(await modesOf(topology, 'gateway#2')).toEqual({ discovery: 'client', auth: 'local' });
    expect(await envOf(topology, 'profile#1', 'TOPOLAB_AUTH_MODE')).toBeNull();

    expect(await topology.setModes({ discovery: 'server' })).toEqual({ discovery: 'server', auth: 'local' });
    expect(topology.modes()).toEqual({ discovery: 'server', auth: 'local' });
    for (const id of ['gateway#1', 'gateway#2']) expect(await modesOf(topology, id)).toEqual({ discovery: 'server', auth: 'local' });
    expect(events.filter((event) => event.type === 'topology.modes')).toEqual([expect.objectContaining({ modes: { discovery: 'server', auth: 'local' }, previous: { discovery: 'client', auth: 'local' } })]);

    // A gateway started later starts in the modes in force.
    await topology.fault('restart', 'gateway#2');
    expect(await envOf(topology, 'gateway#2', 'TOPOLAB_DISCOVERY_MODE')).toBe('server');
  });

  it('rolls back when a gateway refuses, and rejects unknown names before asking anyone', async () => {
    const { topology, events } = await startFixtureTopology({ replicas: { gateway: 2 } });
    await expect(topology.setModes({ discovery: 'server', auth: 'sidecar' })).rejects.toMatchObject({ code: 'SUPERVISOR_COMMAND_FAILED' });
    expect(topology.modes()).toEqual({ discovery: 'client', auth: 'remote' });
    for (const id of ['gateway#1', 'gateway#2']) expect(await modesOf(topology, id)).toEqual({ discovery: 'client', auth: 'remote' });
    await expect(topology.setModes({ discovery: 'dns' })).rejects.toMatchObject({ code: 'TOPOLOGY_INVALID_MODE', exitCode: 2 });
    expect(events.some((event) => event.type === 'topology.modes')).toBe(false);
  });
});

describe('gateway replicas with colocated sidecars (fixture manifest)', () => {
  const sidecar = fixtureSpec('sidecar', 9, undefined, 1, { colocatedWith: 'gateway' as ServiceSpec['name'] });
  const manifest = [...fixtureManifest, sidecar];
  const envOf = async (topology: Topology, id: string) => ((await topology.supervisor.command(id, 'env', { name: 'TOPOLAB_SIDECAR_URL' })) as { value: string | null }).value;
  const live = (topology: Topology, service: string) =>
    topology
      .instances()
      .filter((instance) => instance.service === service && instance.state === 'ready')
      .map((instance) => instance.id);

  it('runs a sidecar per gateway, started before it, and tells each gateway its own', async () => {
    const { topology, events } = await startFixtureTopology({ manifest, replicas: { gateway: 2 } });
    expect(live(topology, 'sidecar')).toEqual(['sidecar#1', 'sidecar#2']);
    expect(topology.gatewayUrls).toHaveLength(2);
    expect(new Set(topology.gatewayUrls).size).toBe(2);
    expect(topology.gatewayUrls[0]).toBe(topology.gatewayUrl);
    for (const n of [1, 2]) expect(await envOf(topology, `gateway#${n}`)).toBe(urlOf(topology, `sidecar#${n}`));
    if (process.platform === 'linux') expect(urlOf(topology, 'sidecar#2')).toMatch(/^http:\/\/127\.0\.9\.2:/);
    const readyAt = (id: string) => events.findIndex((event) => event.type === 'instance.state' && event.instanceId === id && event.state === 'ready');
    const spawnedAt = (id: string) => events.findIndex((event) => event.type === 'instance.state' && event.instanceId === id && event.state === 'starting');
    expect(readyAt('sidecar#2')).toBeLessThan(spawnedAt('gateway#2'));
  });

  it('scales the sidecars with the gateway and keeps a restarted sidecar on its address', async () => {
    const { topology } = await startFixtureTopology({ manifest });
    const up = await topology.scale('gateway', 3);
    expect([...up.started].sort()).toEqual(['gateway#2', 'gateway#3', 'sidecar#2', 'sidecar#3']);
    expect(await envOf(topology, 'gateway#3')).toBe(urlOf(topology, 'sidecar#3'));
    expect(topology.gatewayUrls).toHaveLength(3);

    const sidecarUrl = urlOf(topology, 'sidecar#1');
    await topology.fault('restart', 'sidecar#1');
    expect(urlOf(topology, 'sidecar#1')).toBe(sidecarUrl);

    const down = await topology.scale('gateway', 1);
    expect(down.stopped).toEqual(['gateway#3', 'sidecar#3', 'gateway#2', 'sidecar#2']);
    expect(live(topology, 'sidecar')).toEqual(['sidecar#1']);
    await expect(topology.scale('sidecar', 2)).rejects.toMatchObject({ code: 'TOPOLOGY_NOT_SCALABLE' });
  });

  it('restarts a gateway on the port it had', async () => {
    const { topology } = await startFixtureTopology({ manifest });
    await topology.fault('restart', 'gateway#1');
    expect(urlOf(topology, 'gateway#1')).toBe(topology.gatewayUrl);
    expect((await sendHttpRequest({ url: `${topology.gatewayUrl}/ping`, timeoutMs: 2000 })).status).toBe(200);
  });
});

describe('fault and mode routes of the control API', () => {
  it('injects faults, scales and switches modes through the control client', async () => {
    const { topology, dataDir } = await startFixtureTopology();
    const control = await startControlServer({ topology, dataDir });
    onTestFinished(() => control.close());
    const client = createControlClient({ dataDir });

    expect(await client.modes()).toMatchObject({ modes: { discovery: 'client', auth: 'remote' }, choices: { discovery: ['client', 'server'] } });
    expect(await client.setModes({ auth: 'global' })).toEqual({ modes: { discovery: 'client', auth: 'global' }, previous: { discovery: 'client', auth: 'remote' } });
    await expect(client.setModes({ auth: 'psychic' })).rejects.toMatchObject({ code: 'TOPOLOGY_INVALID_MODE', exitCode: 2 });
    expect((await client.status()).modes).toEqual({ discovery: 'client', auth: 'global' });

    expect(await client.fault('kill', 'profile#2')).toMatchObject({ action: 'kill', instanceId: 'profile#2' });
    await expect(client.fault('kill', 'profile#9')).rejects.toMatchObject({ code: 'SUPERVISOR_UNKNOWN_INSTANCE', exitCode: 2 });
    await expect(client.request('POST', '/v1/instances/profile%231/explode')).rejects.toMatchObject({ code: 'CONTROL_NOT_FOUND', exitCode: 2 });
    expect(await client.scale('profile', 3)).toMatchObject({ replicas: 3, started: ['profile#2', 'profile#3'] });
    await expect(client.request('POST', '/v1/services/profile/scale', { replicas: 'many' })).rejects.toMatchObject({ code: 'CONTROL_INVALID_REQUEST' });
    await expect(client.request('POST', '/v1/modes', [1])).rejects.toMatchObject({ code: 'CONTROL_INVALID_REQUEST' });
    await expect.poll(() => stateOf(topology, 'profile#3') === 'ready', { message: 'profile#3' }).toBeTruthy();
  });
});
