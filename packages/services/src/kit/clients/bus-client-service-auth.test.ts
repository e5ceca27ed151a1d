import { afterEach, describe, expect, it } from 'vitest';
import type { BusMessage } from '../../contract/bus-api.js';
import type { InstanceRecord } from '../../contract/registry-api.js';
import { scopeAudience } from '../../contract/service-auth.js';
import { createBusApp } from '../../bus/app.js';
import { createEmbeddedBusBackend } from '../../bus/embedded-backend.js';
import type { CatalogCache } from '../discovery/catalog-cache.js';
import { createServiceCaller } from '../discovery/service-caller.js';
import { createHttpClient } from '../http/client.js';
import { createTestServiceGuard, testServiceToken } from '#test-support/kit-service-auth.js';
import { createServiceTokenSource, type ServiceCredentials } from '../../contract/service-token-source.js';
import { closeServer, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { BusUnavailableError, createBusClient, type BusSubscriptionStatus } from './bus-client.js';

// The kit's bus client against a bus that checks service tokens (issue 23): publishes carry the
// caller's bus.publish token, subscriptions the bus.subscribe token (RFC 6750 bearer), each as
// contract/service-auth.ts grants them to the client's service.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startGuardedBus(): Promise<InstanceRecord> {
  const app = createBusApp({ backend: createEmbeddedBusBackend(), telemetry: recordTelemetry('bus').telemetry, serviceAuth: createTestServiceGuard('bus') });
  const { host, port } = await listenOnLoopback(app.server);
  cleanups.push(async () => {
    await closeServer(app.server);
    await app.close();
  });
  return { service: 'bus', instanceId: 'bus#1', host, port, registeredAt: 0, lastHeartbeat: 0 };
}

/** A token source for `clientId` that mints test tokens with exactly the scopes the contract grants it. */
function testTokens(clientId: string) {
  return createServiceTokenSource({
    clientId,
    fetch: async (scopes) => ({ accessToken: testServiceToken(clientId, scopeAudience(scopes[0] ?? ''), scopes), expiresIn: 300 }),
  });
}

function createClient(instance: InstanceRecord, clientId: string | undefined, credentials?: ServiceCredentials) {
  const catalog = { instances: () => [instance] } as unknown as CatalogCache;
  const http = createHttpClient({ timeoutMs: 1000 });
  cleanups.push(() => http.close());
  const caller = createServiceCaller(catalog, http, clientId === undefined ? undefined : testTokens(clientId));
  return createBusClient({ catalog, caller, http, ...(credentials ? { credentials } : {}) });
}

describe('bus client with service tokens against a guarded bus', () => {
  it('publishes and subscribes end to end as chat#1 (bus.publish and bus.subscribe) on chat.message', async () => {
    const bus = await startGuardedBus();
    const client = createClient(bus, 'chat#1');
    const received: BusMessage<{ n: number }>[] = [];
    const subscription = client.subscribe<{ n: number }>('chat.message', { onMessage: (message) => received.push(message) });
    cleanups.push(() => subscription.close());
    await expect.poll(() => subscription.connected, { timeout: 5000, message: 'the stream' }).toBeTruthy();
    for (const n of [1, 2, 3]) expect(await client.publish('chat.message', { n })).toMatchObject({ topic: 'chat.message', seq: n });
    await expect.poll(() => received.length === 3, { timeout: 5000, message: 'three messages' }).toBeTruthy();
    expect(received.map((message) => message.data.n)).toEqual([1, 2, 3]);
  });

  it('lets auth#1 publish user.deleted to a subscribing mail#1, and refuses chat#1 the same topic', async () => {
    const bus = await startGuardedBus();
    const auth = createClient(bus, 'auth#1');
    const chat = createClient(bus, 'chat#1');
    const mail = createClient(bus, 'mail#1');
    const received: BusMessage<{ userId: string }>[] = [];
    const subscription = mail.subscribe<{ userId: string }>('user.deleted', { onMessage: (message) => received.push(message) });
    cleanups.push(() => subscription.close());
    await expect.poll(() => subscription.connected, { timeout: 5000, message: 'the stream' }).toBeTruthy();
    const forged = await chat.publish('user.deleted', { userId: 'victim' }).catch((error: unknown) => error);
    expect(forged).toBeInstanceOf(BusUnavailableError);
    expect(String((forged as Error).cause)).toContain('403');
    await auth.publish('user.deleted', { userId: 'u1' });
    await expect.poll(() => received.length === 1, { timeout: 5000, message: 'the message' }).toBeTruthy();
    expect(received.map((message) => [message.seq, message.data.userId])).toEqual([[1, 'u1']]);
  });

  it('cannot subscribe as auth#1, which is granted bus.publish only: the subscription stays disconnected', async () => {
    const bus = await startGuardedBus();
    const client = createClient(bus, 'auth#1');
    const statuses: BusSubscriptionStatus[] = [];
    const subscription = client.subscribe('token.revoked', { onMessage: () => undefined, onStatus: (status) => statuses.push(status) });
    cleanups.push(() => subscription.close());
    await expect.poll(() => statuses.length > 0, { timeout: 5000, message: 'a status' }).toBeTruthy();
    expect(statuses[0]).toMatchObject({ state: 'disconnected' });
    expect(subscription.connected).toBe(false);
  });

  it('subscribes with the credentials option when the caller has no tokens, and gets a fresh token after a 401 (refused)', async () => {
    const bus = await startGuardedBus();
    let stale = true;
    let refusals = 0;
    const credentials: ServiceCredentials = {
      token: async () => testServiceToken('mail#1', stale ? 'an-old-audience' : 'bus', ['bus.subscribe']),
      refused: () => {
        refusals += 1;
        stale = false;
      },
    };
    const client = createClient(bus, undefined, credentials);
    const subscription = client.subscribe('token.revoked', { onMessage: () => undefined });
    cleanups.push(() => subscription.close());
    await expect.poll(() => subscription.connected, { timeout: 5000, message: 'the stream' }).toBeTruthy();
    expect(refusals).toBe(1);
    // The caller itself has no token: its publish is refused.
    await expect(client.publish('token.revoked', { jti: 'j' })).rejects.toBeInstanceOf(BusUnavailableError);
  });
});
