import { describe, expect, it, onTestFinished } from 'vitest';
import type { RouteEntry } from '../contract/registry-api.js';
import {
  buildCatalog,
  closedPort,
  createFixedCatalog,
  errorCode,
  rawRequest,
  send,
  startEchoUpstream,
  startSilentUpstream,
  startTestGateway,
  waitFor,
  type EchoRecord,
  type TestGatewayOptions,
  type TestInstance,
  type TestServer,
} from './testing.js';

const routes: RouteEntry[] = [{ prefix: '/profile', access: 'public', service: 'profile' }];

async function track(server: Promise<TestServer>): Promise<TestServer> {
  const started = await server;
  onTestFinished(() => started.close());
  return started;
}

async function gatewayOver(instances: TestInstance[], config?: TestGatewayOptions['config']) {
  const catalog = createFixedCatalog(buildCatalog(routes, { profile: instances }));
  const gw = await startTestGateway({ catalog, ...(config ? { config } : {}) });
  onTestFinished(() => gw.close());
  return { gw, catalog };
}

async function deadInstance(id: string, host: string): Promise<TestInstance> {
  return { id, host, port: await closedPort(host) };
}

function serverSpans(gw: { spans(): { kind: string; attributes?: Readonly<Record<string, unknown>> }[] }) {
  return gw.spans().filter((span) => span.kind === 'server');
}

describe('gateway proxying and retries', () => {
  it('retries an idempotent request once on another instance after a refused connection, then avoids the dead one', async () => {
    const dead = await deadInstance('profile#1', '127.0.5.1');
    const live = await track(startEchoUpstream('profile#2', '127.0.5.2'));
    const { gw } = await gatewayOver([dead, live]);
    const first = await send(gw.port, '/profile/me', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"name":"ada"}' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ instance: 'profile#2', method: 'PUT', body: '{"name":"ada"}' });
    expect((await send(gw.port, '/profile/me')).status).toBe(200);
    expect((await send(gw.port, '/profile/me')).status).toBe(200);
    expect(live.requests).toHaveLength(3);
    await waitFor(() => serverSpans(gw).length === 3, 2000, 'three server spans');
    expect(serverSpans(gw).map((span) => span.attributes?.retries)).toEqual([1, 0, 0]);
  });

  it('does not retry a POST after a refused connection: 502 GATEWAY_UPSTREAM_UNREACHABLE', async () => {
    const dead = await deadInstance('profile#1', '127.0.5.1');
    const live = await track(startEchoUpstream('profile#2', '127.0.5.2'));
    const { gw } = await gatewayOver([dead, live]);
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
    const live = await track(startEchoUpstream('profile#3', '127.0.5.3'));
    catalog.set(buildCatalog(routes, { profile: [dead1, live] }, 2));
    const after = await send(gw.port, '/profile/me');
    expect(after.body).toMatchObject({ instance: 'profile#3' });
  });

  it('answers 504 GATEWAY_UPSTREAM_TIMEOUT for a silent upstream and never retries it', async () => {
    const silent1 = await track(startSilentUpstream('profile#1', '127.0.5.1'));
    const silent2 = await track(startSilentUpstream('profile#2', '127.0.5.2'));
    const { gw } = await gatewayOver([silent1, silent2], { upstreamTimeoutMs: 150 });
    const answer = await send(gw.port, '/profile/me');
    expect(answer.status).toBe(504);
    expect(errorCode(answer)).toBe('GATEWAY_UPSTREAM_TIMEOUT');
    expect(silent1.requests.length + silent2.requests.length).toBe(1);
    await waitFor(() => serverSpans(gw).length === 1, 2000, 'the server span');
    expect(serverSpans(gw)[0]?.attributes).toMatchObject({ error: 'GATEWAY_UPSTREAM_TIMEOUT', retries: 0, upstream: 'profile#1' });
    expect(gw.spans().find((span) => span.kind === 'client')?.attributes).toMatchObject({ failure: 'timeout' });
  });

  it('answers 502 GATEWAY_UPSTREAM_FAILED when the upstream drops the connection', async () => {
    const rude = await track(startSilentUpstream('profile#1', '127.0.5.1'));
    const { gw } = await gatewayOver([rude]);
    const pending = send(gw.port, '/profile/me');
    await waitFor(() => rude.requests.length === 1, 2000, 'the upstream request');
    await rude.close();
    const answer = await pending;
    expect(answer.status).toBe(502);
    expect(errorCode(answer)).toBe('GATEWAY_UPSTREAM_FAILED');
  });

  it('answers 413 GATEWAY_BODY_TOO_LARGE from Content-Length without contacting upstream', async () => {
    const live = await track(startEchoUpstream('profile#1', '127.0.5.1'));
    const { gw } = await gatewayOver([live], { bodyLimit: 1024 });
    const answer = await rawRequest(gw.port, 'POST /profile/me HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: 2048\r\n\r\n{"a":');
    expect(answer.status).toBe(413);
    expect(errorCode(answer)).toBe('GATEWAY_BODY_TOO_LARGE');
    expect(live.requests).toHaveLength(0);
  });

  it('streams a non-idempotent body and passes chunked bodies on for the upstream to judge', async () => {
    const live = await track(startEchoUpstream('profile#1', '127.0.5.1'));
    const { gw } = await gatewayOver([live], { bodyLimit: 1024 });
    const big = 'x'.repeat(3000);
    const chunked = await rawRequest(
      gw.port,
      `POST /profile/me HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`,
    );
    expect(chunked.status).toBe(200);
    expect((chunked.body as EchoRecord).body).toHaveLength(3000);
  });
});
