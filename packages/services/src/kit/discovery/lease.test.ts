import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { RegisterRequest } from '../../contract/registry-api.js';
import { startTestRegistry } from '../../registry/testing.js';
import { createHttpClient } from '../http/client.js';
import { createTestServiceGuard, testServiceToken } from '../service-auth/testing.js';
import type { ServiceCredentials } from '../service-auth/token-source.js';
import { recordTelemetry } from '../testing.js';
import { waitFor } from '../../../../../test-support/wait-for.js';
import { createLease } from './lease.js';

// The kit's lease against a registry that checks service tokens (issue 23): every registration,
// heartbeat and deregistration carries the instance's registry.register token (RFC 6750 bearer),
// and a 401 drops the token so the next call gets a fresh one.

const mail1: RegisterRequest = { service: 'mail', instanceId: 'mail#1', host: '127.0.10.1', port: 4010, routes: [{ prefix: '/mail', access: 'protected' }] };

const http = createHttpClient({ timeoutMs: 1000 });
afterEach(() => http.close());

/** Credentials that hand out a stale token (auth's key changed: the registry answers 401) until refused. */
function rotatingCredentials(clientId: string) {
  let stale = false;
  let refusals = 0;
  const credentials: ServiceCredentials = {
    token: async () => (stale ? testServiceToken(clientId, 'an-old-audience', ['registry.register']) : testServiceToken(clientId, 'registry', ['registry.register'])),
    refused: () => {
      refusals += 1;
      stale = false;
    },
  };
  return {
    credentials,
    goStale: () => void (stale = true),
    get refusals() {
      return refusals;
    },
  };
}

async function startGuardedRegistry() {
  const registry = await startTestRegistry({ serviceAuth: createTestServiceGuard('registry') });
  onTestFinished(() => registry.close());
  const instanceIds = () => Object.values(registry.app.store.catalog().services).flat().map((instance) => instance.instanceId);
  return { registry, instanceIds };
}

describe('lease with credentials against a guarded registry (RFC 6750 bearer)', () => {
  it('registers, heartbeats and deregisters with its token', async () => {
    const { registry, instanceIds } = await startGuardedRegistry();
    const heartbeats = vi.spyOn(registry.app.store, 'heartbeat');
    const creds = rotatingCredentials('mail#1');
    const lease = createLease({ registryUrl: registry.url, registration: mail1, heartbeatMs: 20, http, telemetry: recordTelemetry('mail').telemetry, credentials: creds.credentials });
    onTestFinished(() => lease.pause());
    expect(await lease.register(Date.now() + 2000)).toMatchObject({ instanceId: 'mail#1' });
    expect(instanceIds()).toEqual(['mail#1']);
    lease.start();
    await waitFor(() => heartbeats.mock.calls.length >= 2, 2000, 'two accepted heartbeats');
    expect(heartbeats.mock.calls.every(([id]) => id === 'mail#1')).toBe(true);
    await lease.stop(1000);
    expect(instanceIds()).toEqual([]);
    expect(creds.refusals).toBe(0);
  });

  it('registers after a 401 by calling refused() and sending the fresh token', async () => {
    const { registry, instanceIds } = await startGuardedRegistry();
    const creds = rotatingCredentials('mail#1');
    creds.goStale();
    const lease = createLease({ registryUrl: registry.url, registration: mail1, heartbeatMs: 1000, http, telemetry: recordTelemetry('mail').telemetry, credentials: creds.credentials });
    expect(await lease.register(Date.now() + 2000)).toMatchObject({ instanceId: 'mail#1' });
    expect(creds.refusals).toBe(1);
    expect(instanceIds()).toEqual(['mail#1']);
    await lease.stop(1000);
    expect(instanceIds()).toEqual([]);
  });

  it('keeps its lease when a heartbeat is answered 401: refused(), then the next heartbeat carries a fresh token', async () => {
    const { registry, instanceIds } = await startGuardedRegistry();
    const heartbeats = vi.spyOn(registry.app.store, 'heartbeat');
    const creds = rotatingCredentials('mail#1');
    const lease = createLease({ registryUrl: registry.url, registration: mail1, heartbeatMs: 20, http, telemetry: recordTelemetry('mail').telemetry, credentials: creds.credentials });
    onTestFinished(() => lease.pause());
    await lease.register(Date.now() + 2000);
    creds.goStale();
    lease.start();
    await waitFor(() => creds.refusals >= 1, 2000, 'a refused heartbeat');
    // Accepted heartbeats only reach the store; none came before the refusal.
    const acceptedBefore = heartbeats.mock.calls.length;
    await waitFor(() => heartbeats.mock.calls.length >= acceptedBefore + 2, 2000, 'heartbeats accepted again');
    expect(lease.beating).toBe(true);
    expect(instanceIds()).toEqual(['mail#1']);
    await lease.stop(1000);
    expect(instanceIds()).toEqual([]);
  });

  it('is refused without credentials: register gives up at its deadline and nothing is in the catalog', async () => {
    const { registry, instanceIds } = await startGuardedRegistry();
    const lease = createLease({ registryUrl: registry.url, registration: mail1, heartbeatMs: 1000, http, telemetry: recordTelemetry('mail').telemetry });
    await expect(lease.register(Date.now() + 100)).rejects.toThrow(/401/);
    expect(instanceIds()).toEqual([]);
  });

  it("cannot hold another instance's lease with its own token: register gives up on 403", async () => {
    const { registry, instanceIds } = await startGuardedRegistry();
    const creds = rotatingCredentials('mail#2');
    const lease = createLease({ registryUrl: registry.url, registration: mail1, heartbeatMs: 1000, http, telemetry: recordTelemetry('mail').telemetry, credentials: creds.credentials });
    await expect(lease.register(Date.now() + 100)).rejects.toThrow(/403/);
    expect(creds.refusals).toBe(0);
    expect(instanceIds()).toEqual([]);
  });
});
