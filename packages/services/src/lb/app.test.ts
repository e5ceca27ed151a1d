import { describe, expect, it } from 'vitest';
import type { RouteEntry } from '../contract/registry-api.js';
import { parseTraceparent } from '../kit/trace.js';
import { buildCatalog, closedPort, createFixedCatalog, errorCode, rawRequest, send, startEchoUpstream, startTestServer, type EchoRecord, type FixedCatalog, type TestInstance, type TestServer } from '#test-support/gateway.js';
import { startTestLb, type TestLbOptions } from '#test-support/lb.js';
import { closeAfterTest } from '#test-support/kit.js';

const routes: RouteEntry[] = [
  { prefix: '/profile', access: 'protected', service: 'profile' },
  { prefix: '/profile/admin', access: 'public', service: 'admin' },
  { prefix: '/auth/introspect', access: 'internal', service: 'auth' },
  { prefix: '/mail', access: 'public', service: 'mail' },
];

async function lbOver(services: Record<string, TestInstance[]>, options: Omit<TestLbOptions, 'catalog'> = {}) {
  const catalog = createFixedCatalog(buildCatalog(routes, { mail: [], auth: [], ...services }));
  const lb = await closeAfterTest(startTestLb({ catalog, ...options }));
  return { lb, catalog };
}

function serverSpans(lb: { spans(): { kind: string; attributes?: Readonly<Record<string, unknown>> }[] }) {
  return lb.spans().filter((span) => span.kind === 'server');
}

/** An upstream that reads the request and drops the connection without answering. */
function startResettingUpstream(id: string, host: string): Promise<TestServer> {
  return startTestServer(id, host, (_record, res) => res.socket?.destroy());
}

describe('lb routing', () => {
  it('routes by the longest prefix and spreads requests round-robin, keeping method, path and query', async () => {
    const profile1 = await closeAfterTest(startEchoUpstream('profile#1', '127.0.5.1'));
    const profile2 = await closeAfterTest(startEchoUpstream('profile#2', '127.0.5.2'));
    const admin = await closeAfterTest(startEchoUpstream('admin#1', '127.0.6.1'));
    const { lb } = await lbOver({ profile: [profile1, profile2], admin: [admin] });
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(((await send(lb.port, '/profile/me?x=1')).body as EchoRecord).instance);
    expect(seen).toEqual(['profile#1', 'profile#2', 'profile#1', 'profile#2']);
    expect(profile1.requests[0]?.url).toBe('/profile/me?x=1');
    const answer = await send(lb.port, '/profile/admin/users', { method: 'DELETE' });
    expect(answer.body).toMatchObject({ instance: 'admin#1', method: 'DELETE', url: '/profile/admin/users' });
    await expect.poll(() => serverSpans(lb).length === 5, { message: 'five server spans' }).toBeTruthy();
    expect(serverSpans(lb)[0]).toMatchObject({
      name: 'GET /profile/me',
      status: 200,
      attributes: { route: '/profile', service: 'profile', upstream: 'profile#1', upstreamAddress: `127.0.5.1:${profile1.port}`, retries: 0 },
    });
  });

  it('keeps the identity and forwarding headers its caller sent, and strips hop-by-hop headers', async () => {
    const profile = await closeAfterTest(startEchoUpstream('profile#1', '127.0.5.1'));
    const { lb } = await lbOver({ profile: [profile] });
    const answer = await rawRequest(
      lb.port,
      'PUT /profile/me HTTP/1.1\r\nHost: gw.test:8080\r\nX-User-Id: u-42\r\nX-Request-Id: req-1\r\nX-Forwarded-For: 127.0.9.9\r\n' +
        'X-Forwarded-Proto: https\r\nX-Forwarded-Host: gw.test:8080\r\nConnection: close, X-Hop\r\nX-Hop: secret\r\nKeep-Alive: timeout=5\r\n' +
        'TE: trailers\r\nUpgrade: h2c\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
    );
    expect(answer.status).toBe(200);
    const seen = (answer.body as EchoRecord).headers;
    expect(seen).toMatchObject({
      'x-user-id': 'u-42',
      'x-request-id': 'req-1',
      'x-forwarded-for': '127.0.9.9',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'gw.test:8080',
      host: 'gw.test:8080',
    });
    for (const name of ['x-hop', 'keep-alive', 'te', 'upgrade', 'proxy-authorization']) expect(seen, name).not.toHaveProperty(name);
    expect((answer.body as EchoRecord).body).toBe('{}');
  });

  it('continues the caller trace: its server span is the child of the caller span, the upstream sees its client span', async () => {
    const profile = await closeAfterTest(startEchoUpstream('profile#1', '127.0.5.1'));
    const { lb } = await lbOver({ profile: [profile] });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const answer = await send(lb.port, '/profile/me', { headers: { traceparent: `00-${traceId}-${callerSpan}-01` } });
    const sent = parseTraceparent((answer.body as EchoRecord).headers.traceparent);
    await expect.poll(() => lb.spans().length === 2, { message: 'server and client spans' }).toBeTruthy();
    const server = lb.spans().find((span) => span.kind === 'server');
    const client = lb.spans().find((span) => span.kind === 'client');
    expect(server).toMatchObject({ traceId, parentSpanId: callerSpan, service: 'lb', instanceId: 'lb#1' });
    expect(client).toMatchObject({ traceId, parentSpanId: server?.spanId, spanId: sent?.parentSpanId, attributes: { peer: 'profile#1' } });
    expect(sent?.traceId).toBe(traceId);
  });

  it('answers 404 LB_ROUTE_NOT_FOUND for unknown and internal routes without contacting anyone', async () => {
    const auth = await closeAfterTest(startEchoUpstream('auth#1', '127.0.3.1'));
    const { lb } = await lbOver({ auth: [auth] });
    for (const path of ['/nowhere', '/auth/introspect', '/auth/introspect/x']) {
      const answer = await send(lb.port, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect({ path, status: answer.status, code: errorCode(answer) }).toEqual({ path, status: 404, code: 'LB_ROUTE_NOT_FOUND' });
    }
    expect(auth.requests).toHaveLength(0);
    await expect.poll(() => serverSpans(lb).length === 3, { message: 'three server spans' }).toBeTruthy();
    expect(serverSpans(lb)[0]?.attributes).toMatchObject({ error: 'LB_ROUTE_NOT_FOUND' });
  });

  it('answers 503 LB_NO_INSTANCE for a route without a live instance, and LB_CATALOG_UNAVAILABLE before the first catalog', async () => {
    const { lb, catalog } = await lbOver({});
    const answer = await send(lb.port, '/mail/inbox');
    expect(answer.status).toBe(503);
    expect(errorCode(answer)).toBe('LB_NO_INSTANCE');
    (catalog as FixedCatalog).set(undefined);
    const early = await send(lb.port, '/mail/inbox');
    expect([early.status, errorCode(early)]).toEqual([503, 'LB_CATALOG_UNAVAILABLE']);
  });

  it('serves its own /health with the catalog version', async () => {
    const { lb } = await lbOver({});
    const answer = await send(lb.port, '/health');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok', catalogVersion: 1, watching: false });
    expect((await send(lb.port, '/health', { method: 'POST' })).status).toBe(405);
  });

  it('answers 413 LB_BODY_TOO_LARGE from Content-Length without contacting upstream', async () => {
    const profile = await closeAfterTest(startEchoUpstream('profile#1', '127.0.5.1'));
    const { lb } = await lbOver({ profile: [profile] }, { config: { bodyLimit: 16 } });
    const answer = await send(lb.port, '/profile/me', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x'.repeat(64) }) });
    expect([answer.status, errorCode(answer)]).toEqual([413, 'LB_BODY_TOO_LARGE']);
    expect(profile.requests).toHaveLength(0);
  });
});

describe('lb failures and retries', () => {
  it('retries an idempotent request once on another instance after a refused connection, then avoids the dead one', async () => {
    const dead = { id: 'profile#1', host: '127.0.5.1', port: await closedPort('127.0.5.1') };
    const live = await closeAfterTest(startEchoUpstream('profile#2', '127.0.5.2'));
    const { lb } = await lbOver({ profile: [dead, live] });
    const first = await send(lb.port, '/profile/me', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(first.body).toMatchObject({ instance: 'profile#2', body: '{"a":1}' });
    const post = await send(lb.port, '/profile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(post.body).toMatchObject({ instance: 'profile#2' });
    await expect.poll(() => serverSpans(lb).length === 2, { message: 'two server spans' }).toBeTruthy();
    expect(serverSpans(lb).map((span) => span.attributes?.retries)).toEqual([1, 0]);
  });

  it('answers 502 LB_UPSTREAM_UNREACHABLE to a POST that was refused, without a retry', async () => {
    const dead = { id: 'profile#1', host: '127.0.5.1', port: await closedPort('127.0.5.1') };
    const live = await closeAfterTest(startEchoUpstream('profile#2', '127.0.5.2'));
    const { lb } = await lbOver({ profile: [dead, live] });
    const answer = await send(lb.port, '/profile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect([answer.status, errorCode(answer)]).toEqual([502, 'LB_UPSTREAM_UNREACHABLE']);
    expect(live.requests).toHaveLength(0);
  });

  it('retries a GET whose upstream timed out on another instance; a POST gets 504 LB_UPSTREAM_TIMEOUT', async () => {
    const silent = await closeAfterTest(startTestServer('profile#1', '127.0.5.1', () => undefined));
    const live = await closeAfterTest(startEchoUpstream('profile#2', '127.0.5.2'));
    const { lb } = await lbOver({ profile: [silent, live] }, { config: { upstreamTimeoutMs: 150 } });
    const get = await send(lb.port, '/profile/me');
    expect(get.body).toMatchObject({ instance: 'profile#2' });
    // Round-robin comes back to the silent instance for the POST.
    const post = await send(lb.port, '/profile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect([post.status, errorCode(post)]).toEqual([504, 'LB_UPSTREAM_TIMEOUT']);
    expect(silent.requests).toHaveLength(2);
    expect(live.requests).toHaveLength(1);
    await expect.poll(() => serverSpans(lb).length === 2, { message: 'two server spans' }).toBeTruthy();
    expect(serverSpans(lb).map((span) => [span.attributes?.upstream, span.attributes?.retries, span.attributes?.error])).toEqual([
      ['profile#2', 1, undefined],
      ['profile#1', 0, 'LB_UPSTREAM_TIMEOUT'],
    ]);
  });

  it('retries a GET reset before any answer without ejecting; a POST gets 502 LB_UPSTREAM_FAILED', async () => {
    const rude = await closeAfterTest(startResettingUpstream('profile#1', '127.0.5.1'));
    const live = await closeAfterTest(startEchoUpstream('profile#2', '127.0.5.2'));
    const { lb } = await lbOver({ profile: [rude, live] });
    expect((await send(lb.port, '/profile/me')).body).toMatchObject({ instance: 'profile#2' });
    const post = await send(lb.port, '/profile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect([post.status, errorCode(post)]).toEqual([502, 'LB_UPSTREAM_FAILED']);
    expect(rude.requests).toHaveLength(2);
  });
});

describe('lb passive health check', () => {
  it('skips an instance after 5 consecutive failures and restores it when the catalog shows a newer heartbeat', async () => {
    const now = 1_000_000;
    const rude = await closeAfterTest(startResettingUpstream('profile#1', '127.0.5.1'));
    const live = await closeAfterTest(startEchoUpstream('profile#2', '127.0.5.2'));
    const { lb, catalog } = await lbOver({ profile: [rude, live] }, { clock: () => now });
    // Round-robin starts every GET on the failing instance, then retries on the live one.
    for (let i = 0; i < 5; i++) expect((await send(lb.port, '/profile/me')).status).toBe(200);
    expect(rude.requests).toHaveLength(5);
    for (let i = 0; i < 3; i++) expect((await send(lb.port, '/profile/me')).body).toMatchObject({ instance: 'profile#2' });
    expect(rude.requests).toHaveLength(5);
    expect(lb.events()).toEqual([{ name: 'discovery.skipped', data: { instanceId: 'profile#1', failures: 5 } }]);
    await expect.poll(() => serverSpans(lb).length === 8, { message: 'eight server spans' }).toBeTruthy();
    expect(serverSpans(lb).map((span) => span.attributes?.retries)).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);

    // A periodic refresh: same version, fresher heartbeats.
    const refreshed = buildCatalog(routes, { profile: [rude, live] });
    catalog.set({ ...refreshed, services: { profile: refreshed.services.profile!.map((record) => ({ ...record, lastHeartbeat: now + 250 })) } });
    expect((await send(lb.port, '/profile/me')).status).toBe(200);
    expect(rude.requests).toHaveLength(6);
    expect(lb.events().at(-1)).toEqual({ name: 'discovery.restored', data: { instanceId: 'profile#1', failures: 5 } });
  });
});
