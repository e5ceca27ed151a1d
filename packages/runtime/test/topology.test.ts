import { defaultBackends, servicesWith } from '@topolab/services/contract';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createControlClient, createGatewayClient, hopsOf, startControlServer, startTopology, type TopologyEvent } from '../src/index.js';
import { isAlive, killLeftovers, makeTempDir, waitFor } from './helpers.js';
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
    await waitFor(
      () => topology.instances().filter((i) => i.kind === 'domain').every((i) => i.registered === true && i.lastHeartbeat !== undefined),
      5000,
      'every domain instance in the catalog',
    );

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
