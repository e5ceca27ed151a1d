import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { RouteEntry } from '../contract/registry-api.js';
import { createPassiveHealth } from '../kit/discovery/passive-health.js';
import { createClientDiscovery } from './discovery/client-discovery.js';
import { buildCatalog, closedPort, createFixedCatalog, errorCode, rawRequest, send, startEchoUpstream, startSilentUpstream, startTestGateway, startTestServer, type EchoRecord, type TestGatewayOptions, type TestInstance } from '#test-support/gateway.js';
import { closeAfterTest } from '#test-support/kit.js';

const routes: RouteEntry[] = [{ prefix: '/profile', access: 'public', service: 'profile' }];

async function gatewayOver(instances: TestInstance[], config?: TestGatewayOptions['config']) {
  const catalog = createFixedCatalog(buildCatalog(routes, { profile: instances }));
  const gw = await closeAfterTest(startTestGateway({ catalog, ...(config ? { config } : {}) }));
  return { gw, catalog };
}

async function deadInstance(id: string, host: string): Promise<TestInstance> {
  return { id, host, port: await closedPort(host) };
}

/** A gateway over profile#1, whose port refuses connections, and profile#2, a live echo upstream. */
async function gatewayOverDeadAndLive() {
  const dead = await deadInstance('profile#1', '127.0.5.1');
  const live = await closeAfterTest(startEchoUpstream('profile#2', '127.0.5.2'));
  const { gw } = await gatewayOver([dead, live]);
  return { gw, live };
}

function serverSpans(gw: { spans(): { kind: string; attributes?: Readonly<Record<string, unknown>> }[] }) {
  return gw.spans().filter((span) => span.kind === 'server');
}

describe('gateway proxying and retries', () => {
  it('retries an idempotent request once on another instance after a refused connection, then avoids the dead one', async () => {
    const { gw, live } = await gatewayOverDeadAndLive();
    const first = await send(gw.port, '/profile/me', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"name":"ada"}' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ instance: 'profile#2', method: 'PUT', body: '{"name":"ada"}' });
    expect((await send(gw.port, '/profile/me')).status).toBe(200);
    expect((await send(gw.port, '/profile/me')).status).toBe(200);
    expect(live.requests).toHaveLength(3);
    await expect.poll(() => serverSpans(gw).length === 3, { message: 'three server spans' }).toBeTruthy();
    expect(serverSpans(gw).map((span) => span.attributes?.retries)).toEqual([1, 0, 0]);
  });

  it('does not retry a POST after a refused connection: 502 GATEWAY_UPSTREAM_UNREACHABLE', async () => {
    const { gw, live } = await gatewayOverDeadAndLive();
    const answer = await send(gw.port, '/profile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(answer.status).toBe(502);
    expect(errorCode(answer)).toBe('GATEWAY_UPSTREAM_UNREACHABLE');
    expect(live.requests).toHaveLength(0);
    // The refused instance is ejected, so the next POST goes to the live one.
    expect((await send(gw.port, '/profile', { method: 'POST', body: '{}' })).body).toMatchObject({ instance: 'profile#2' });
  });

  it('answers 502 when the retry is refused too, and forgets ejections on a catalog change', async () => {
    const dead1 = await deadInstance('profile#1', '127.0.5.1');
    const dead2 = await deadInstance('profile#2', '127.0.5.2');
    const { gw, catalog } = await gatewayOver([dead1, dead2]);
    const answer = await send(gw.port, '/profile/me');
    expect(answer.status).toBe(502);
    expect(errorCode(answer)).toBe('GATEWAY_UPSTREAM_UNREACHABLE');
    expect(errorCode(await send(gw.port, '/profile/me'))).toBe('GATEWAY_NO_INSTANCE');
    const live = await closeAfterTest(startEchoUpstream('profile#3', '127.0.5.3'));
    catalog.set(buildCatalog(routes, { profile: [dead1, live] }, 2));
    const after = await send(gw.port, '/profile/me');
    expect(after.body).toMatchObject({ instance: 'profile#3' });
  });

  it('retries an idempotent request once on another instance after an upstream timeout', async () => {
    const silent = await closeAfterTest(startSilentUpstream('profile#1', '127.0.5.1'));
    const live = await closeAfterTest(startEchoUpstream('profile#2', '127.0.5.2'));
    const { gw } = await gatewayOver([silent, live], { upstreamTimeoutMs: 150 });
    const answer = await send(gw.port, '/profile/me', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"name":"ada"}' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ instance: 'profile#2', method: 'PUT', body: '{"name":"ada"}' });
    expect(silent.requests).toHaveLength(1);
    await expect.poll(() => serverSpans(gw).length === 1 && gw.spans().length === 3, { message: 'the server span and two client spans' }).toBeTruthy();
    expect(serverSpans(gw)[0]?.attributes).toMatchObject({ upstream: 'profile#2', retries: 1 });
    expect(serverSpans(gw)[0]?.attributes).not.toHaveProperty('error');
    const clients = gw.spans().filter((span) => span.kind === 'client');
    expect(clients.map((span) => [span.attributes?.peer, span.attributes?.failure ?? span.status])).toEqual([
      ['profile#1', 'timeout'],
      ['profile#2', 200],
    ]);
  });

  it('answers 504 GATEWAY_UPSTREAM_TIMEOUT to a POST whose upstream times out, and never retries it', async () => {
    const silent = await closeAfterTest(startSilentUpstream('profile#1', '127.0.5.1'));
    const live = await closeAfterTest(startEchoUpstream('profile#2', '127.0.5.2'));
    const { gw } = await gatewayOver([silent, live], { upstreamTimeoutMs: 150 });
    const answer = await send(gw.port, '/profile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(answer.status).toBe(504);
    expect(errorCode(answer)).toBe('GATEWAY_UPSTREAM_TIMEOUT');
    expect(silent.requests).toHaveLength(1);
    expect(live.requests).toHaveLength(0);
    await expect.poll(() => serverSpans(gw).length === 1, { message: 'the server span' }).toBeTruthy();
    expect(serverSpans(gw)[0]?.attributes).toMatchObject({ error: 'GATEWAY_UPSTREAM_TIMEOUT', retries: 0, upstream: 'profile#1' });
    expect(gw.spans().find((span) => span.kind === 'client')?.attributes).toMatchObject({ failure: 'timeout' });
  });

  it('answers 504 when the retry times out too, after exactly two attempts', async () => {
    const silent1 = await closeAfterTest(startSilentUpstream('profile#1', '127.0.5.1'));
    const silent2 = await closeAfterTest(startSilentUpstream('profile#2', '127.0.5.2'));
    const silent3 = await closeAfterTest(startSilentUpstream('profile#3', '127.0.5.3'));
    const { gw } = await gatewayOver([silent1, silent2, silent3], { upstreamTimeoutMs: 150 });
    const answer = await send(gw.port, '/profile/me');
    expect(answer.status).toBe(504);
    expect(errorCode(answer)).toBe('GATEWAY_UPSTREAM_TIMEOUT');
    expect([silent1.requests.length, silent2.requests.length, silent3.requests.length]).toEqual([1, 1, 0]);
    await expect.poll(() => serverSpans(gw).length === 1, { message: 'the server span' }).toBeTruthy();
    expect(serverSpans(gw)[0]?.attributes).toMatchObject({ error: 'GATEWAY_UPSTREAM_TIMEOUT', retries: 1, upstream: 'profile#2' });
  });

  it('answers 502 GATEWAY_UPSTREAM_FAILED when the upstream drops the connection', async () => {
    const rude = await closeAfterTest(startSilentUpstream('profile#1', '127.0.5.1'));
    const { gw } = await gatewayOver([rude]);
    const pending = send(gw.port, '/profile/me');
    await expect.poll(() => rude.requests.length === 1, { message: 'the upstream request' }).toBeTruthy();
    await rude.close();
    const answer = await pending;
    expect(answer.status).toBe(502);
    expect(errorCode(answer)).toBe('GATEWAY_UPSTREAM_FAILED');
  });

  it('retries a GET whose kept-alive sockets were all closed under it (an nginx reload) on a new connection to the one upstream', async () => {
    // Three requests at once leave three idle sockets in the gateway's pool; then the upstream
    // "reloads": a request arriving on any of those old sockets is dropped unanswered, as a
    // reloading nginx closes its idle connections just as a request goes out on one of them.
    const held: Array<() => void> = [];
    const oldSockets = new Set<unknown>();
    let reloaded = false;
    const upstream = await closeAfterTest(
      startTestServer('lb#1', '127.0.5.1', (record, res) => {
        if (reloaded && oldSockets.has(res.socket)) return void res.socket?.destroy();
        if (!reloaded) oldSockets.add(res.socket);
        const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record));
        if (reloaded) return answer();
        held.push(answer);
        if (held.length === 3) for (const release of held) release();
      }),
    );
    const { gw } = await gatewayOver([upstream]);
    const warmUp = await Promise.all([send(gw.port, '/profile/me'), send(gw.port, '/profile/me'), send(gw.port, '/profile/me')]);
    expect(warmUp.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(oldSockets.size).toBe(3);
    reloaded = true;
    const answer = await send(gw.port, '/profile/me');
    expect([answer.status, errorCode(answer)]).toEqual([200, undefined]);
    expect(upstream.requests).toHaveLength(5);
    await expect.poll(() => serverSpans(gw).length === 4, { message: 'four server spans' }).toBeTruthy();
    expect(serverSpans(gw)[3]?.attributes).toMatchObject({ upstream: 'lb#1', retries: 1 });
  });

  it('answers 413 GATEWAY_BODY_TOO_LARGE from Content-Length without contacting upstream', async () => {
    const live = await closeAfterTest(startEchoUpstream('profile#1', '127.0.5.1'));
    const { gw } = await gatewayOver([live], { bodyLimit: 1024 });
    const answer = await rawRequest(gw.port, 'POST /profile/me HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: 2048\r\n\r\n{"a":');
    expect(answer.status).toBe(413);
    expect(errorCode(answer)).toBe('GATEWAY_BODY_TOO_LARGE');
    expect(live.requests).toHaveLength(0);
  });

  it('refuses an oversize body announced with Expect: 100-continue before inviting the upload', async () => {
    const live = await closeAfterTest(startEchoUpstream('profile#1', '127.0.5.1'));
    const { gw } = await gatewayOver([live], { bodyLimit: 1024 });
    const head = 'POST /profile/me HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: 2048\r\nExpect: 100-continue\r\n\r\n';
    const first = await new Promise<string>((resolve, reject) => {
      const socket = connect(gw.port, '127.0.0.1', () => socket.write(head));
      socket.setEncoding('latin1');
      socket.once('data', (chunk: string) => {
        socket.destroy();
        resolve(chunk);
      });
      socket.on('error', reject);
    });
    expect(first).toMatch(/^HTTP\/1\.1 413 /);
    expect(live.requests).toHaveLength(0);
  });

  it('streams a chunked non-idempotent body within the limit, and counts it against the limit as it passes', async () => {
    const live = await closeAfterTest(startEchoUpstream('profile#1', '127.0.5.1'));
    const { gw } = await gatewayOver([live], { bodyLimit: 1024 });
    const chunkedPost = (body: string) =>
      rawRequest(gw.port, `POST /profile/me HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    const fits = await chunkedPost('x'.repeat(1000));
    expect(fits.status).toBe(200);
    expect((fits.body as EchoRecord).body).toHaveLength(1000);
    // No Content-Length to refuse up front: the gateway stops at the limit (see chunked-body-limit.test.ts).
    const over = await chunkedPost('x'.repeat(3000));
    expect([over.status, errorCode(over)]).toEqual([413, 'GATEWAY_BODY_TOO_LARGE']);
    expect(live.requests).toHaveLength(1);
  });

  it('skips an instance whose connections keep failing (passive health) until a newer heartbeat vouches for it', async () => {
    const now = 1_000_000;
    const rude = await closeAfterTest(startTestServer('profile#1', '127.0.5.1', (_record, res) => res.socket?.destroy()));
    const live = await closeAfterTest(startEchoUpstream('profile#2', '127.0.5.2'));
    const catalog = createFixedCatalog(buildCatalog(routes, { profile: [rude, live] }));
    const discovery = createClientDiscovery({ catalog, passiveHealth: createPassiveHealth({ failures: 2, clock: () => now }) });
    const gw = await closeAfterTest(startTestGateway({ catalog, discovery }));
    for (let i = 0; i < 4; i++) expect((await send(gw.port, '/profile/me')).body).toMatchObject({ instance: 'profile#2' });
    expect(rude.requests).toHaveLength(2);
    const fresh = buildCatalog(routes, { profile: [rude, live] });
    catalog.set({ ...fresh, services: { profile: fresh.services.profile!.map((record) => ({ ...record, lastHeartbeat: now + 1 })) } });
    expect((await send(gw.port, '/profile/me')).status).toBe(200);
    expect(rude.requests).toHaveLength(3);
  });
});
