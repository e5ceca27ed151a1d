import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { RegisterRequest } from '../../contract/registry-api.js';
import { startTestRegistry } from '#test-support/registry.js';
import { createHttpClient } from '../http/client.js';
import { createTestServiceGuard, testServiceToken } from '#test-support/kit-service-auth.js';
import type { ServiceCredentials } from '../../contract/service-token-source.js';
import { closeAfterTest, closeServer, createCleanups, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { createLease } from './lease.js';

const cleanups = createCleanups();
afterEach(() => cleanups.run());

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
}

/** A registry stand-in: records every request and answers what `answer` says (status only). */
async function startRegistry(answer: (seen: Seen, index: number) => number) {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const request = { method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization };
    seen.push(request);
    req.resume();
    const status = answer(request, seen.length - 1);
    const body = status === 201 || status === 200 ? JSON.stringify({ instanceId: 'mail#1', heartbeatMs: 20, leaseMs: 100 }) : JSON.stringify({ error: { code: 'X' } });
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  const { url } = await listenOnLoopback(server);
  cleanups.defer(() => closeServer(server));
  return { url, seen, beats: () => seen.filter((s) => s.method === 'PUT') };
}

/** Credentials that hand out `tok-1`, then `tok-2` after a refusal, and so on. */
function rotatingCredentials() {
  let n = 1;
  const refused = vi.fn(() => void n++);
  const credentials: ServiceCredentials = { token: async () => `tok-${n}`, refused };
  return { credentials, refused };
}

const registration: RegisterRequest = { service: 'mail', instanceId: 'mail#1', host: '127.0.0.1', port: 1, routes: [] };

function leaseFor(registryUrl: string, credentials?: ServiceCredentials) {
  const http = createHttpClient({ timeoutMs: 1000 });
  const recorded = recordTelemetry('mail');
  const lease = createLease({ registryUrl, registration, heartbeatMs: 10, http, telemetry: recorded.telemetry, ...(credentials ? { credentials } : {}) });
  cleanups.defer(() => http.close());
  cleanups.defer(() => lease.pause());
  return { lease, recorded };
}

const okFor = (seen: Seen) => (seen.method === 'POST' ? 201 : seen.method === 'DELETE' ? 204 : 200);

/** A registry answer: `status` to the first `count` heartbeats, then as a working registry would. */
function failingFirstHeartbeats(count: number, status: number) {
  let left = count;
  return (seen: Seen) => {
    if (seen.method === 'PUT' && left > 0) {
      left--;
      return status;
    }
    return okFor(seen);
  };
}

describe('lease credentials (RFC 6750 bearer)', () => {
  it('sends the registry token with the registration, every heartbeat and the deregistration', async () => {
    const registry = await startRegistry(okFor);
    const { credentials, refused } = rotatingCredentials();
    const { lease } = leaseFor(registry.url, credentials);
    await lease.register(Date.now() + 2000);
    lease.start();
    await expect.poll(() => registry.beats().length >= 2, { timeout: 5000, message: 'two heartbeats' }).toBeTruthy();
    await lease.stop();
    expect(registry.seen[0]).toEqual({ method: 'POST', url: '/v1/instances', authorization: 'Bearer tok-1' });
    expect(registry.seen.at(-1)).toEqual({ method: 'DELETE', url: '/v1/instances/mail%231', authorization: 'Bearer tok-1' });
    for (const beat of registry.beats()) expect(beat).toEqual({ method: 'PUT', url: '/v1/instances/mail%231/heartbeat', authorization: 'Bearer tok-1' });
    expect(refused).not.toHaveBeenCalled();
  });

  it('sends no authorization header without credentials', async () => {
    const registry = await startRegistry(okFor);
    const { lease } = leaseFor(registry.url);
    await lease.register(Date.now() + 2000);
    expect(registry.seen[0]?.authorization).toBeUndefined();
  });

  it('drops a token the registry answered 401 to and registers again with a fresh one', async () => {
    const registry = await startRegistry((seen, index) => (index === 0 ? 401 : okFor(seen)));
    const { credentials, refused } = rotatingCredentials();
    const { lease } = leaseFor(registry.url, credentials);
    await lease.register(Date.now() + 2000);
    expect(refused).toHaveBeenCalledTimes(1);
    expect(registry.seen.map((s) => s.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it('keeps beating after refused heartbeats, with a fresh token after each 401', async () => {
    const registry = await startRegistry(failingFirstHeartbeats(2, 401));
    const { credentials, refused } = rotatingCredentials();
    const { lease, recorded } = leaseFor(registry.url, credentials);
    await lease.register(Date.now() + 2000);
    lease.start();
    await expect.poll(() => registry.beats().filter((b) => b.authorization === 'Bearer tok-3').length >= 2, { timeout: 5000, message: 'heartbeats with the third token' }).toBeTruthy();
    expect(lease.beating).toBe(true);
    expect(refused).toHaveBeenCalledTimes(2);
    expect(registry.beats().slice(0, 3).map((b) => b.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2', 'Bearer tok-3']);
    const messages = recorded.messages.flatMap((m) => (m.type === 'log' ? [m.record.msg] : []));
    expect(messages).toContain('heartbeat failed');
    expect(messages).toContain('registry reachable again');
  });

  it('keeps beating when getting a token fails (auth unreachable, no projected token)', async () => {
    const registry = await startRegistry(okFor);
    let failing = 0;
    const credentials: ServiceCredentials = {
      token: async () => {
        if (failing > 0) {
          failing--;
          throw new Error('auth unreachable');
        }
        return 'tok';
      },
      refused: () => undefined,
    };
    const { lease } = leaseFor(registry.url, credentials);
    await lease.register(Date.now() + 2000);
    failing = 2;
    lease.start();
    await expect.poll(() => failing === 0 && registry.beats().length >= 2, { timeout: 5000, message: 'heartbeats after the failures' }).toBeTruthy();
    expect(lease.beating).toBe(true);
  });

  it('keeps its token on a 403 (authenticated, not allowed): only a 401 calls refused()', async () => {
    const registry = await startRegistry(failingFirstHeartbeats(1, 403));
    const { credentials, refused } = rotatingCredentials();
    const { lease } = leaseFor(registry.url, credentials);
    await lease.register(Date.now() + 2000);
    lease.start();
    await expect.poll(() => registry.beats().length >= 2, { timeout: 5000, message: 'a heartbeat after the 403' }).toBeTruthy();
    expect(refused).not.toHaveBeenCalled();
    expect(registry.beats()[1]?.authorization).toBe('Bearer tok-1');
  });

  it('registers again with its token when the registry forgot it (404)', async () => {
    const registry = await startRegistry(failingFirstHeartbeats(1, 404));
    const { credentials } = rotatingCredentials();
    const { lease } = leaseFor(registry.url, credentials);
    await lease.register(Date.now() + 2000);
    lease.start();
    await expect.poll(() => registry.seen.filter((s) => s.method === 'POST').length >= 2, { timeout: 5000, message: 'the second registration' }).toBeTruthy();
    for (const post of registry.seen.filter((s) => s.method === 'POST')) expect(post.authorization).toBe('Bearer tok-1');
  });
});

// A zombie (lease.pause) must stay silent: a heartbeat already under way when it paused must
// neither go out late nor, answered 404 after the eviction, register the instance again.
describe('lease pause (a zombie stays a zombie)', () => {
  it('does not register again when a heartbeat sent before the pause is answered 404 after it', async () => {
    let release: ((status: number) => void) | undefined;
    const registered: string[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      registered.push(req.method ?? '');
      const answer = (status: number) => res.writeHead(status, { 'content-type': 'application/json' }).end(status === 201 ? JSON.stringify({ instanceId: 'mail#1', heartbeatMs: 10, leaseMs: 100 }) : '{}');
      if (req.method === 'PUT' && release === undefined) release = answer;
      else answer(req.method === 'POST' ? 201 : 200);
    });
    const { url } = await listenOnLoopback(server);
    cleanups.defer(() => closeServer(server));
    const { lease } = leaseFor(url);
    await lease.register(Date.now() + 2000);
    lease.start();
    await expect.poll(() => release !== undefined, { timeout: 5000, message: 'a heartbeat held by the registry' }).toBeTruthy();
    lease.pause();
    release?.(404);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(registered.filter((method) => method === 'POST')).toHaveLength(1);
    expect(lease.beating).toBe(false);
  });

  it('does not send a heartbeat whose token was still being fetched when it paused', async () => {
    const registry = await startRegistry(okFor);
    let handOut: ((token: string) => void) | undefined;
    let fetching = false;
    const credentials: ServiceCredentials = {
      token: () => (fetching ? new Promise<string>((resolve) => (handOut = resolve)) : Promise.resolve('tok')),
      refused: () => undefined,
    };
    const { lease } = leaseFor(registry.url, credentials);
    await lease.register(Date.now() + 2000);
    fetching = true;
    lease.start();
    await expect.poll(() => handOut !== undefined, { timeout: 5000, message: 'a heartbeat waiting for its token' }).toBeTruthy();
    lease.pause();
    handOut?.('tok');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(registry.beats()).toHaveLength(0);
  });
});

// The same lease against the real registry with its guard (issue 23): the tokens it accepts, and a
// 401 that drops the token so the next call gets a fresh one.

/** An HTTP client for one test, closed after it. */
function testHttp() {
  const http = createHttpClient({ timeoutMs: 1000 });
  cleanups.defer(() => http.close());
  return http;
}

const mail1: RegisterRequest = { service: 'mail', instanceId: 'mail#1', host: '127.0.10.1', port: 4010, routes: [{ prefix: '/mail', access: 'protected' }] };

/** Credentials that hand out a stale token (auth's key changed: the registry answers 401) until refused. */
function staleUntilRefused(clientId: string) {
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
  const registry = await closeAfterTest(startTestRegistry({ serviceAuth: createTestServiceGuard('registry') }));
  return { registry, instanceIds: registry.instanceIds };
}

describe('lease with credentials against a guarded registry (RFC 6750 bearer)', () => {
  it('registers, heartbeats and deregisters with its token', async () => {
    const { registry, instanceIds } = await startGuardedRegistry();
    const heartbeats = vi.spyOn(registry.app.store, 'heartbeat');
    const creds = staleUntilRefused('mail#1');
    const lease = createLease({ registryUrl: registry.url, registration: mail1, heartbeatMs: 20, http: testHttp(), telemetry: recordTelemetry('mail').telemetry, credentials: creds.credentials });
    onTestFinished(() => lease.pause());
    expect(await lease.register(Date.now() + 2000)).toMatchObject({ instanceId: 'mail#1' });
    expect(instanceIds()).toEqual(['mail#1']);
    lease.start();
    await expect.poll(() => heartbeats.mock.calls.length >= 2, { message: 'two accepted heartbeats' }).toBeTruthy();
    expect(heartbeats.mock.calls.every(([id]) => id === 'mail#1')).toBe(true);
    await lease.stop(1000);
    expect(instanceIds()).toEqual([]);
    expect(creds.refusals).toBe(0);
  });

  it('registers after a 401 by calling refused() and sending the fresh token', async () => {
    const { registry, instanceIds } = await startGuardedRegistry();
    const creds = staleUntilRefused('mail#1');
    creds.goStale();
    const lease = createLease({ registryUrl: registry.url, registration: mail1, heartbeatMs: 1000, http: testHttp(), telemetry: recordTelemetry('mail').telemetry, credentials: creds.credentials });
    expect(await lease.register(Date.now() + 2000)).toMatchObject({ instanceId: 'mail#1' });
    expect(creds.refusals).toBe(1);
    expect(instanceIds()).toEqual(['mail#1']);
    await lease.stop(1000);
    expect(instanceIds()).toEqual([]);
  });

  it('keeps its lease when a heartbeat is answered 401: refused(), then the next heartbeat carries a fresh token', async () => {
    const { registry, instanceIds } = await startGuardedRegistry();
    const heartbeats = vi.spyOn(registry.app.store, 'heartbeat');
    const creds = staleUntilRefused('mail#1');
    const lease = createLease({ registryUrl: registry.url, registration: mail1, heartbeatMs: 20, http: testHttp(), telemetry: recordTelemetry('mail').telemetry, credentials: creds.credentials });
    onTestFinished(() => lease.pause());
    await lease.register(Date.now() + 2000);
    creds.goStale();
    lease.start();
    await expect.poll(() => creds.refusals >= 1, { message: 'a refused heartbeat' }).toBeTruthy();
    // Accepted heartbeats only reach the store; none came before the refusal.
    const acceptedBefore = heartbeats.mock.calls.length;
    await expect.poll(() => heartbeats.mock.calls.length >= acceptedBefore + 2, { message: 'heartbeats accepted again' }).toBeTruthy();
    expect(lease.beating).toBe(true);
    expect(instanceIds()).toEqual(['mail#1']);
    await lease.stop(1000);
    expect(instanceIds()).toEqual([]);
  });

  it('is refused without credentials: register gives up at its deadline and nothing is in the catalog', async () => {
    const { registry, instanceIds } = await startGuardedRegistry();
    const lease = createLease({ registryUrl: registry.url, registration: mail1, heartbeatMs: 1000, http: testHttp(), telemetry: recordTelemetry('mail').telemetry });
    await expect(lease.register(Date.now() + 100)).rejects.toThrow(/401/);
    expect(instanceIds()).toEqual([]);
  });

  it("cannot hold another instance's lease with its own token: register gives up on 403", async () => {
    const { registry, instanceIds } = await startGuardedRegistry();
    const creds = staleUntilRefused('mail#2');
    const lease = createLease({ registryUrl: registry.url, registration: mail1, heartbeatMs: 1000, http: testHttp(), telemetry: recordTelemetry('mail').telemetry, credentials: creds.credentials });
    await expect(lease.register(Date.now() + 100)).rejects.toThrow(/403/);
    expect(creds.refusals).toBe(0);
    expect(instanceIds()).toEqual([]);
  });
});
