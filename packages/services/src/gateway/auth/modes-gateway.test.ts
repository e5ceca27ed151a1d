import { describe, expect, it, onTestFinished } from 'vitest';
import { createBusApp } from '../../bus/app.js';
import { createEmbeddedBusBackend } from '../../bus/embedded-backend.js';
import type { RouteEntry } from '../../contract/registry-api.js';
import { createBusClient, type BusClient } from '../../kit/clients/bus-client.js';
import { createServiceCaller } from '../../kit/discovery/service-caller.js';
import { createHttpClient } from '../../kit/http/client.js';
import { closeAfterTest, closeServer, recordTelemetry, serveForTest } from '#test-support/kit.js';
import { startStallProxy } from '#test-support/kit-clients.js';
import { forgeTokens } from '#test-support/kit-token-cache.js';
import { startTestSidecar } from '#test-support/sidecar.js';
import { assertedUser, buildCatalog, closedPort, createFixedCatalog, errorCode, send, startEchoUpstream, startTestGateway, type EchoRecord, type TestInstance } from '#test-support/gateway.js';
import type { AuthModeName } from './auth-mode.js';
import { createSidecarAuth } from './sidecar-auth.js';
import { startAuthModeFixture, testTrace, withPayload, type AuthModeFixture } from '#test-support/gateway-auth.js';

const routes: RouteEntry[] = [
  { prefix: '/auth', access: 'public', service: 'auth' },
  { prefix: '/profile', access: 'protected', service: 'profile' },
];

function startProfile(): Promise<TestInstance> {
  return closeAfterTest(startEchoUpstream('profile#1', '127.0.5.1'));
}

async function gatewayOver(f: AuthModeFixture, name: AuthModeName) {
  const auth = f.catalog.current!.services.auth!.map((record) => ({ id: record.instanceId, host: record.host, port: record.port }));
  f.catalog.set(buildCatalog(routes, { profile: [await startProfile()], auth }));
  const gw = await closeAfterTest(startTestGateway({ catalog: f.catalog, auth: f.mode(name) }));
  return gw;
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const serverSpans = (gw: { spans(): { kind: string; attributes?: Readonly<Record<string, unknown>> }[] }) => gw.spans().filter((span) => span.kind === 'server');

describe.each(['local', 'global'] as const)('the gateway in %s auth mode', (name) => {
  it('forwards the user of a valid token, refuses it after logout, and says where each verdict came from', async () => {
    const f = await closeAfterTest(startAuthModeFixture());
    const gw = await gatewayOver(f, name);
    await Promise.resolve();
    const { accessToken, userId } = await f.login();
    const first = await send(gw.port, '/profile/me', bearer(accessToken));
    expect(first.status).toBe(200);
    expect(await assertedUser(first.body as EchoRecord, 'profile')).toBe(userId);
    expect((await send(gw.port, '/profile/me', bearer(accessToken))).status).toBe(200);
    await f.logout(accessToken);
    const after = await send(gw.port, '/profile/me', bearer(accessToken));
    expect(after.status).toBe(401);
    expect(errorCode(after)).toBe('GATEWAY_TOKEN_INVALID');
    await expect.poll(() => serverSpans(gw).length === 3, { message: 'three server spans' }).toBeTruthy();
    const facts = serverSpans(gw).map((span) => [span.attributes?.authResult, span.attributes?.cache, span.attributes?.authSource]);
    expect(facts).toEqual(
      name === 'local'
        ? [['active', 'miss', 'local'], ['active', 'hit', 'local'], ['inactive', 'miss', 'local']]
        : [['active', 'hit', 'cache'], ['active', 'hit', 'cache'], ['inactive', 'hit', 'cache']],
    );
    const everything = JSON.stringify([gw.spans(), f.recorded.messages, f.auth.recorded.messages]);
    expect(everything).not.toContain(accessToken.split('.')[2]);
  });
});

/** The real token's payload under its header and signature, with one claim changed. */
const tampered = (token: string) => withPayload(token, { sub: 'someone-else' });

describe.each(['remote', 'local', 'global'] as const)('the gateway in %s auth mode, facing forged tokens', (name) => {
  it('answers 401 to alg:none, made-up signatures and tampered claims, and still forwards the real token', async () => {
    const f = await closeAfterTest(startAuthModeFixture());
    const gw = await gatewayOver(f, name);
    const { accessToken, userId } = await f.login();
    for (const bad of [...forgeTokens(accessToken), tampered(accessToken), 'not-a-jwt']) {
      const answer = await send(gw.port, '/profile/me', bearer(bad));
      expect(answer.status).toBe(401);
      expect(errorCode(answer)).toBe('GATEWAY_TOKEN_INVALID');
    }
    const good = await send(gw.port, '/profile/me', bearer(accessToken));
    expect(good.status).toBe(200);
    expect(await assertedUser(good.body as EchoRecord, 'profile')).toBe(userId);
    await expect.poll(() => serverSpans(gw).length === 6, { message: 'six server spans' }).toBeTruthy();
    const forged = serverSpans(gw).filter((span) => span.attributes?.forgedToken === true).length;
    // Only `global` reads a shared entry by the unverified jti; the others verify the signature first.
    // Every mode refuses these by their signature (auth's, or its introspection): none reaches a cache as a forgery.
    expect(forged).toBe(0);
  });
});

describe('the gateway in sidecar auth mode', () => {
  async function setup(sidecarUrl?: string) {
    const sidecar = await closeAfterTest(startTestSidecar());
    const auth = [{ id: 'auth#1', host: '127.0.0.1', port: Number(new URL(sidecar.auth.url).port) }];
    const catalog = createFixedCatalog(buildCatalog(routes, { profile: [await startProfile()], auth }));
    const recorded = recordTelemetry('gateway');
    const http = createHttpClient({ telemetry: recorded.telemetry, timeoutMs: 1000 });
    onTestFinished(() => http.close());
    const gw = await closeAfterTest(startTestGateway({ catalog, auth: createSidecarAuth({ url: sidecarUrl ?? sidecar.url, http, telemetry: recorded.telemetry }) }));
    return { sidecar, gw, recorded };
  }

  it('asks the sidecar about every token and forwards its user', async () => {
    const { sidecar, gw } = await setup();
    const { accessToken, userId } = await sidecar.login();
    const answer = await send(gw.port, '/profile/me', bearer(accessToken));
    expect(answer.status).toBe(200);
    expect(await assertedUser(answer.body as EchoRecord, 'profile')).toBe(userId);
    await sidecar.logout(accessToken);
    expect(errorCode(await send(gw.port, '/profile/me', bearer(accessToken)))).toBe('GATEWAY_TOKEN_INVALID');
    await expect.poll(() => serverSpans(gw).length === 2, { message: 'two server spans' }).toBeTruthy();
    expect(serverSpans(gw).map((span) => [span.attributes?.cache, span.attributes?.authSource])).toEqual([
      ['hit', 'sidecar'],
      ['hit', 'sidecar'],
    ]);
  });

  it('answers 401 to alg:none, made-up signatures and tampered claims, which the sidecar refuses by their signature', async () => {
    const { sidecar, gw } = await setup();
    const { accessToken } = await sidecar.login();
    for (const bad of [...forgeTokens(accessToken), tampered(accessToken), 'not-a-jwt']) {
      const answer = await send(gw.port, '/profile/me', bearer(bad));
      expect(answer.status).toBe(401);
      expect(errorCode(answer)).toBe('GATEWAY_TOKEN_INVALID');
    }
    expect((await send(gw.port, '/profile/me', bearer(accessToken))).status).toBe(200);
    await expect.poll(() => serverSpans(gw).length === 6, { message: 'six server spans' }).toBeTruthy();
    expect(serverSpans(gw).filter((span) => span.attributes?.authResult === 'inactive')).toHaveLength(5);
  });

  it('answers 503 GATEWAY_AUTH_UNAVAILABLE and reports it when the sidecar is down', async () => {
    const { sidecar, gw, recorded } = await setup(`http://127.0.9.2:${await closedPort('127.0.9.2')}`);
    const { accessToken } = await sidecar.login();
    const answer = await send(gw.port, '/profile/me', bearer(accessToken));
    expect(answer.status).toBe(503);
    expect(errorCode(answer)).toBe('GATEWAY_AUTH_UNAVAILABLE');
    await send(gw.port, '/profile/me', bearer(accessToken));
    expect(recorded.events()).toEqual([{ name: 'gateway.auth.degraded', data: { mode: 'sidecar', reason: 'the sidecar is unreachable' } }]);
  });
});

describe('local auth mode over the real bus', () => {
  it('refuses a token once the revocation message arrives, and reports a stopped bus', async () => {
    const busApp = createBusApp({ backend: createEmbeddedBusBackend(), telemetry: recordTelemetry('bus').telemetry });
    onTestFinished(() => busApp.close());
    const { host, port } = await serveForTest(busApp.server, '127.0.6.1');
    const busCatalog = createFixedCatalog(buildCatalog([], { bus: [{ id: 'bus#1', host, port }] }));
    const http = createHttpClient({ timeoutMs: 1000 });
    onTestFinished(() => http.close());
    const client = createBusClient({ catalog: busCatalog, caller: createServiceCaller(busCatalog, http), http });
    const statuses: string[] = [];
    const bus: BusClient = {
      publish: (topic, data, trace) => client.publish(topic, data, trace),
      subscribe: (topic, options) => client.subscribe(topic, { ...options, onStatus: (status) => (statuses.push(status.state), options.onStatus?.(status)) }),
    };
    const f = await closeAfterTest(startAuthModeFixture({ bus }));
    const mode = f.mode('local');
    await expect.poll(() => statuses.includes('connected'), { message: 'the bus subscription' }).toBeTruthy();
    const { accessToken } = await f.login();
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: true, origin: { authSource: 'local' } });
    await f.logout(accessToken);
    let verdict = await mode.check(accessToken, testTrace());
    for (const deadline = Date.now() + 2000; verdict.active && Date.now() < deadline; ) verdict = await mode.check(accessToken, testTrace());
    expect(verdict).toEqual({ active: false, origin: { cache: 'miss', authSource: 'local' } });
    expect(f.calls('/auth/introspect')).toBe(0);

    await closeServer(busApp.server);
    await expect.poll(() => f.events().includes('gateway.auth.degraded'), { message: 'the degraded event' }).toBeTruthy();
  });

  it('treats a silently stalled bus as down: a token revoked meanwhile lives only the fallback TTL, and auth\'s retry reaches the bus later', async () => {
    const busApp = createBusApp({ backend: createEmbeddedBusBackend(), telemetry: recordTelemetry('bus').telemetry, keepAliveMs: 25 });
    onTestFinished(() => busApp.close());
    const { host, port } = await serveForTest(busApp.server, '127.0.6.2');
    const proxy = await closeAfterTest(startStallProxy({ service: 'bus', instanceId: 'bus#1', host, port, registeredAt: 0, lastHeartbeat: 0 }));
    const busCatalog = createFixedCatalog(buildCatalog([], { bus: [{ id: 'bus#1', host: proxy.instance.host, port: proxy.instance.port }] }));
    const http = createHttpClient({ timeoutMs: 300 });
    onTestFinished(() => http.close());
    const client = createBusClient({ catalog: busCatalog, caller: createServiceCaller(busCatalog, http), http, timeoutMs: 300, idleTimeoutMs: 250 });
    const statuses: string[] = [];
    const bus: BusClient = {
      publish: (topic, data, trace) => client.publish(topic, data, trace),
      subscribe: (topic, options) => client.subscribe(topic, { ...options, onStatus: (status) => (statuses.push(status.state), options.onStatus?.(status)) }),
    };
    const f = await closeAfterTest(startAuthModeFixture({ bus, env: { TOPOLAB_AUTH_FALLBACK_TTL_MS: '1000', TOPOLAB_AUTH_CACHE_TTL_MS: '60000' } }));
    const mode = f.mode('local');
    await expect.poll(() => statuses.includes('connected'), { message: 'the bus subscription' }).toBeTruthy();
    const { accessToken } = await f.login();
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: true, origin: { cache: 'miss', authSource: 'local' } });

    // Paused, not dead: the connection stays open and nothing arrives, not even keep-alives.
    proxy.stall();
    await expect.poll(() => f.events().includes('gateway.auth.degraded'), { timeout: 3000, message: 'the stall noticed' }).toBeTruthy();
    await f.logout(accessToken);
    // The revocation cannot reach the bus; the verdict counts only for the fallback TTL after its check.
    expect(await mode.check(accessToken, testTrace())).toMatchObject({ active: true, origin: { cache: 'hit' } });
    f.clock.advance(1000);
    expect(await mode.check(accessToken, testTrace())).toEqual({ active: false, origin: { cache: 'miss', authSource: 'auth' } });

    proxy.resume();
    const retried = () => f.auth.recorded.events().filter((event) => event.name === 'auth.publish.retried').map((event) => event.data.what);
    await expect.poll(() => retried().includes('token.revoked'), { timeout: 5000, message: 'auth\'s retried publish' }).toBeTruthy();
    await expect.poll(() => statuses.at(-1) === 'connected', { timeout: 5000, message: 'the reconnection' }).toBeTruthy();
  });
});
