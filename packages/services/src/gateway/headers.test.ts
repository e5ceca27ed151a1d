import { describe, expect, it, onTestFinished } from 'vitest';
import { parseTraceparent } from '../kit/trace.js';
import { buildUpstreamHeaders, readBearerToken, stripResponseHeaders } from './headers.js';
import { buildCatalog, createFixedCatalog, rawRequest, send, startEchoUpstream, startTestGateway, startTestServer, type EchoRecord, type TestServer } from '#test-support/gateway.js';
import { closeAfterTest } from '#test-support/kit.js';

async function setup(upstream?: TestServer) {
  const profile = upstream ?? (await startEchoUpstream('profile#1', '127.0.5.1'));
  onTestFinished(() => profile.close());
  const catalog = createFixedCatalog(buildCatalog([{ prefix: '/profile', access: 'public', service: 'profile' }], { profile: [profile] }));
  const gw = await closeAfterTest(startTestGateway({ catalog }));
  return { gw, profile };
}

describe('headers (unit)', () => {
  it('reads a bearer token and refuses malformed headers', () => {
    expect(readBearerToken('Bearer abc.DEF-_~+/=')).toBe('abc.DEF-_~+/=');
    expect(readBearerToken('bearer  tok')).toBe('tok');
    expect(readBearerToken(undefined)).toBeUndefined();
    for (const bad of ['Bearer', 'Bearer ', 'Basic dXNlcjpwdw==', 'Bearer a b', 'Bearer a,b', 'tok']) expect(readBearerToken(bad)).toBeUndefined();
  });

  it('drops client identity in any spelling (its own assertion too) and every header Connection names', () => {
    const out = buildUpstreamHeaders(
      { connection: 'keep-alive, X-Secret-Hop', 'x-secret-hop': '1', x_user_id: 'spoof', 'x-user-id': 'spoof', 'x-jwt-assertion': 'forged', x_jwt_assertion: 'forged', forwarded: 'for=1.2.3.4', accept: 'a' },
      { clientAddress: '127.0.0.9', proto: 'http', requestId: 'r1', identity: undefined },
    );
    expect(out).toEqual({ accept: 'a', 'x-forwarded-for': '127.0.0.9', 'x-forwarded-proto': 'http', 'x-request-id': 'r1' });
    const named = buildUpstreamHeaders({ 'x-jwt-assertion': 'forged' }, { clientAddress: '127.0.0.9', proto: 'https', requestId: 'r2', identity: 'signed.by.gateway' });
    expect(named['x-jwt-assertion']).toBe('signed.by.gateway');
  });

  it('strips hop-by-hop headers from an answer', () => {
    const headers = { connection: 'close, x-up', 'x-up': '1', 'keep-alive': 'timeout=1', 'transfer-encoding': 'chunked', 'content-type': 'a' };
    stripResponseHeaders(headers);
    expect(headers).toEqual({ 'content-type': 'a' });
  });
});

describe('gateway headers on the wire', () => {
  it('replaces a client-sent x-user-id (any case) and overwrites X-Forwarded-For with the socket address', async () => {
    const { gw } = await setup();
    const answer = await rawRequest(
      gw.port,
      'GET /profile/me HTTP/1.1\r\nHost: gw.test:8080\r\nX-USER-ID: admin\r\nx_user_id: admin\r\nX-Forwarded-For: 1.2.3.4\r\n' +
        'X-Forwarded-Proto: https\r\nX-Forwarded-Host: evil\r\nX-Request-Id: mine\r\nConnection: close\r\n\r\n',
    );
    expect(answer.status).toBe(200);
    const seen = (answer.body as EchoRecord).headers;
    expect(seen['x-user-id']).toBeUndefined();
    expect(seen['x_user_id']).toBeUndefined();
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-host']).toBe('gw.test:8080');
    expect(seen['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers['x-request-id']).toBe(seen['x-request-id']);
  });

  it("answers the id it sent upstream as x-request-id, over an upstream's own, and on its own error answers", async () => {
    const { gw } = await setup(await startTestServer('profile#1', '127.0.5.1', (record, res) => res.writeHead(200, { 'x-request-id': 'upstream-made', 'content-length': 2 }).end('{}')));
    const proxied = await send(gw.port, '/profile/me');
    expect(proxied.status).toBe(200);
    expect(proxied.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await send(gw.port, '/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(missing.headers['x-request-id']).not.toBe(proxied.headers['x-request-id']);
  });

  it('uses the real client socket address, whatever the client claims', async () => {
    const { gw } = await setup();
    const answer = await send(gw.port, '/profile/me', { localAddress: '127.0.9.9', headers: { 'x-forwarded-for': '10.0.0.1, 10.0.0.2' } });
    expect((answer.body as EchoRecord).headers['x-forwarded-for']).toBe('127.0.9.9');
  });

  it('strips hop-by-hop request headers, including one named in Connection and a Trailer header', async () => {
    const { gw } = await setup();
    const body = '{"a":1}';
    const answer = await rawRequest(
      gw.port,
      'POST /profile/me HTTP/1.1\r\nHost: gw\r\nConnection: close, X-Hop-Secret\r\nX-Hop-Secret: s3cret\r\nKeep-Alive: timeout=5\r\n' +
        'TE: trailers\r\nTrailer: X-Checksum\r\nUpgrade: h2c\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\nProxy-Connection: keep-alive\r\n' +
        `Transfer-Encoding: chunked\r\nContent-Type: application/json\r\nX-Kept: yes\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    );
    expect(answer.status).toBe(200);
    const seen = answer.body as EchoRecord;
    for (const name of ['x-hop-secret', 'keep-alive', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-connection']) {
      expect(seen.headers, name).not.toHaveProperty(name);
    }
    // The client's Connection tokens stay behind; `close` is the gateway's own: a POST goes on a connection of its own.
    expect(seen.headers.connection).not.toMatch(/x-hop-secret/i);
    expect(seen.headers.connection).toBe('close');
    expect(seen.headers['x-kept']).toBe('yes');
    expect(seen.body).toBe(body);
  });

  it('strips hop-by-hop headers from the upstream answer', async () => {
    const upstream = await startTestServer('profile#1', '127.0.5.1', (_record, res) => {
      res.writeHead(200, {
        connection: 'X-Up-Hop',
        'x-up-hop': '1',
        'keep-alive': 'timeout=99',
        'proxy-authenticate': 'Basic',
        trailer: 'X-Checksum',
        upgrade: 'h2c',
        'x-answer': 'kept',
      });
      // Chunked, so the Trailer header is legal.
      res.write('o');
      res.end('k');
    });
    const { gw } = await setup(upstream);
    const answer = await rawRequest(gw.port, 'GET /profile/me HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
    expect(answer.status).toBe(200);
    for (const name of ['x-up-hop', 'proxy-authenticate', 'trailer', 'upgrade']) expect(answer.headers, name).not.toHaveProperty(name);
    expect(answer.headers['keep-alive'] ?? '').not.toContain('99');
    expect(answer.headers.connection).toBe('close');
    expect(answer.headers['x-answer']).toBe('kept');
    expect(answer.body).toBe('ok');
  });

  it('continues an incoming trace and sends the upstream its own client span as parent', async () => {
    const { gw } = await setup();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const clientSpan = '00f067aa0ba902b7';
    const answer = await send(gw.port, '/profile/me', { headers: { traceparent: `00-${traceId}-${clientSpan}-01` } });
    const sent = parseTraceparent((answer.body as EchoRecord).headers.traceparent);
    expect(sent?.traceId).toBe(traceId);
    await expect.poll(() => gw.spans().length >= 2, { message: 'server and client spans' }).toBeTruthy();
    const server = gw.spans().find((span) => span.kind === 'server');
    const client = gw.spans().find((span) => span.kind === 'client');
    expect(server).toMatchObject({ traceId, parentSpanId: clientSpan });
    expect(client).toMatchObject({ traceId, parentSpanId: server?.spanId, spanId: sent?.parentSpanId, status: 200, attributes: { peer: 'profile#1' } });
  });

  it('passes a cleared sampled flag on (trace-flags 00) and records no span of that request', async () => {
    const { gw } = await setup();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const answer = await send(gw.port, '/profile/me', { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-00` } });
    expect(answer.status).toBe(200);
    expect((answer.body as EchoRecord).headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    const sampled = await send(gw.port, '/profile/me');
    expect(sampled.status).toBe(200);
    await expect.poll(() => gw.spans().length >= 2, { message: 'the spans of the sampled request' }).toBeTruthy();
    expect(gw.spans().filter((span) => span.traceId === traceId)).toEqual([]);
  });
});
