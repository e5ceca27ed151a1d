import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { defaultBackends, serviceManifest, servicesWith } from '@topolab/services/contract';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createControlClient, createGatewayClient, hopsOf, startControlServer, startTopology, type TopologyEvent } from '../src/index.js';
import { planAddress } from '../src/topology/index.js';
import { isAlive, killLeftovers, makeTempDir } from './helpers.js';
import { assertServicesBuilt } from './real-topology.js';

assertServicesBuilt();

describe('startTopology with the real services', () => {
  it('reaches ready on port 0, serves through the gateway and stops without leftovers', async () => {
    const dataDir = makeTempDir('real-topology');
    const pids = new Set<number>();
    const crashes: TopologyEvent[] = [];
    const topology = await startTopology({
      dataDir,
      gatewayPort: 0,
      onEvent: (event) => {
        if (event.type === 'instance.state' && event.pid) pids.add(event.pid);
        if (event.type === 'instance.crashed') crashes.push(event);
      },
    });
    onTestFinished(async () => {
      await topology.stop();
      killLeftovers([...pids]);
    });

    const expected = servicesWith(defaultBackends).reduce((sum, spec) => sum + spec.defaultReplicas, 0);
    expect(topology.instances()).toHaveLength(expected);
    expect(topology.instances().every((instance) => instance.state === 'ready')).toBe(true);
    expect(topology.readyMs).toBeGreaterThan(0);

    // Every domain instance shows up in the registry's catalog.
    await expect.poll(() => topology.instances().filter((i) => i.kind === 'domain').every((i) => i.registered === true && i.lastHeartbeat !== undefined), { timeout: 5000, message: 'every domain instance in the catalog' }).toBeTruthy();

    const client = createGatewayClient(topology.gatewayUrl);
    onTestFinished(() => client.close());
    const health = await client.request({ method: 'GET', path: '/health' });
    expect(health.status).toBeLessThan(500);
    const spans = await topology.traces.waitForTrace(health.traceId, { parentSpanId: health.spanId });
    expect(hopsOf(spans)[0]?.service).toBe('gateway');

    const control = await startControlServer({ topology, dataDir });
    onTestFinished(() => control.close());
    const phone = await createControlClient({ dataDir }).phone('+447700900123');
    expect(phone.messages).toEqual([]);

    await control.close();
    await topology.stop();
    expect(crashes).toEqual([]);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });
});

describe('a pinned port taken between the check and the bind', () => {
  it('fails dns#1 with TOPOLOGY_PORT_IN_USE naming --dns-port, without the child\'s stack, and stops the rest', async () => {
    const manifest = serviceManifest.filter((spec) => spec.name === 'registry' || spec.name === 'dns');
    const dnsHost = planAddress({ spec: manifest.find((spec) => spec.name === 'dns')!, index: 1 }).host;
    // A port free at the check (the OS picks it, then it is let go); a hostile local user binds it
    // once the registry runs, before dns#1 does.
    const probe = createSocket('udp4');
    probe.bind(0, dnsHost);
    await once(probe, 'listening');
    const port = probe.address().port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const thief = createSocket('udp4');
    onTestFinished(() => new Promise<void>((resolve) => thief.close(() => resolve())));
    const pids: number[] = [];
    let stolen: Promise<void> | undefined;
    const failure = await startTopology({
      dataDir: makeTempDir('late-port'),
      manifest,
      gatewayPort: 0,
      dnsPort: port,
      graceMs: 500,
      onEvent: (event) => {
        if (event.type === 'instance.state' && event.pid) pids.push(event.pid);
        if (event.type === 'instance.state' && event.instanceId === 'registry#1' && event.state === 'ready') stolen ??= new Promise((resolve) => thief.bind(port, dnsHost, resolve));
      },
    }).catch((error: unknown) => error);
    onTestFinished(() => killLeftovers(pids));
    await stolen;
    expect(failure).toMatchObject({ code: 'TOPOLOGY_PORT_IN_USE', exitCode: 3, details: { port, protocol: 'udp', option: 'dnsPort' } });
    expect((failure as { hint: string }).hint).toContain('`--dns-port`');
    expect((failure as { lastLines?: unknown }).lastLines).toBeUndefined();
    // Found late, by dns#1's bind: the registry and dns#1 had started.
    expect(new Set(pids).size).toBeGreaterThanOrEqual(2);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });
});
