import { describe, expect, it, onTestFinished } from 'vitest';
import type { RouteEntry } from '../contract/registry-api.js';
import { nextFrame, startWebSocketUpstream, tryUpgrade, type UpgradeResult, type WebSocketUpstream } from '#test-support/kit-proxy.js';
import { assertedIdentity, buildCatalog, closedPort, createFixedCatalog, rawRequest, startEchoUpstream, startFakeAuth, startTestGateway, type TestGatewayOptions, type TestInstance } from '#test-support/gateway.js';
import { closeAfterTest } from '#test-support/kit.js';

const routes: RouteEntry[] = [
  { prefix: '/chat', access: 'protected', service: 'chat' },
  { prefix: '/open', access: 'public', service: 'plain' },
  { prefix: '/empty', access: 'protected', service: 'nobody' },
  { prefix: '/auth/introspect', access: 'internal', service: 'auth' },
];

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT-shaped token the fake auth vouches for (its signature is never checked in remote mode). */
const token = `${base64url({ alg: 'EdDSA', typ: 'at+jwt' })}.${base64url({ sub: 'user-7', jti: 'jti-7', exp: 4_000_000_000 })}.c2ln`;

async function setup(options: { chat?: TestInstance[]; config?: TestGatewayOptions['config'] } = {}) {
  const chat = await closeAfterTest(startWebSocketUpstream('chat#1', '127.0.14.1'));
  const plain = await closeAfterTest(startEchoUpstream('plain#1', '127.0.16.1'));
  const auth = await closeAfterTest(startFakeAuth('auth#1', '127.0.3.1', { [token]: 'user-7' }));
  const catalog = createFixedCatalog(buildCatalog(routes, { chat: options.chat ?? [chat], plain: [plain], nobody: [], auth: [auth] }));
  const gw = await closeAfterTest(startTestGateway({ catalog, ...(options.config ? { config: options.config } : {}) }));
  return { gw, chat };
}

function opened(result: UpgradeResult) {
  if (result.kind !== 'open') throw new Error(`expected the handshake to switch, got ${result.status} ${JSON.stringify(result.body)}`);
  onTestFinished(() => result.socket.terminate());
  return result;
}

const codeOf = (result: UpgradeResult) => (result.kind === 'refused' ? [result.status, (result.body as { error?: { code?: string } }).error?.code] : ['open']);

describe('gateway WebSocket upgrades', () => {
  it('refuses a handshake without a token or with a bad one: 401 with the JSON error on the raw socket', async () => {
    const { gw, chat } = await setup();
    const none = await tryUpgrade(gw.port, '/chat/ws');
    expect(codeOf(none)).toEqual([401, 'GATEWAY_UNAUTHENTICATED']);
    expect(none.kind === 'refused' && none.headers['www-authenticate']).toBe('Bearer');
    expect(codeOf(await tryUpgrade(gw.port, '/chat/ws', { headers: { authorization: 'Bearer not.a.token' } }))).toEqual([401, 'GATEWAY_TOKEN_INVALID']);
    expect(codeOf(await tryUpgrade(gw.port, '/chat/ws', { protocols: ['bearer', 'not.a.token'] }))).toEqual([401, 'GATEWAY_TOKEN_INVALID']);
    expect(chat.handshakes).toHaveLength(0);
    await expect.poll(() => gw.spans().filter((span) => span.kind === 'server' && span.status === 401).length === 3, { message: 'three 401 spans' }).toBeTruthy();
  });

  it('proxies an authenticated handshake with the gateway’s identity headers in place of the client’s, and no token', async () => {
    const { gw, chat } = await setup();
    const result = opened(await tryUpgrade(gw.port, '/chat/ws?room=lobby', { headers: { authorization: `Bearer ${token}`, 'x-user-id': 'admin', 'x-token-id': 'forged', x_token_exp: '1' } }));
    result.socket.send('ping');
    expect(await nextFrame(result.socket)).toEqual({ instance: 'chat#1', echo: 'ping' });
    const [seen] = chat.handshakes as [WebSocketUpstream['handshakes'][number]];
    expect(seen).toMatchObject({ upgrade: 'websocket', 'x-forwarded-for': '127.0.0.1' });
    expect(await assertedIdentity(seen, 'chat')).toMatchObject({ sub: 'user-7', tokenJti: 'jti-7', tokenExp: 4_000_000_000 });
    for (const spoofed of ['x-user-id', 'x-token-id']) expect(seen).not.toHaveProperty(spoofed);
    expect(seen).not.toHaveProperty('authorization');
    expect(seen).not.toHaveProperty('x_token_exp');
    expect(result.headers['x-request-id']).toEqual(seen['x-request-id']);
  });

  it('takes the token from the subprotocols bearer, <token>: the 101 names bearer and the upstream sees only the others', async () => {
    const { gw, chat } = await setup();
    const alone = opened(await tryUpgrade(gw.port, '/chat/ws', { protocols: ['bearer', token] }));
    expect(alone.protocol).toBe('bearer');
    expect(chat.handshakes[0]).not.toHaveProperty('sec-websocket-protocol');
    const mixed = opened(await tryUpgrade(gw.port, '/chat/ws', { protocols: ['bearer', token, 'chat.v1'] }));
    expect(mixed.protocol).toBe('chat.v1');
    expect(chat.handshakes[1]).toMatchObject({ 'sec-websocket-protocol': 'chat.v1' });
    expect((await assertedIdentity(chat.handshakes[1]!, 'chat'))?.sub).toBe('user-7');
    expect(JSON.stringify(chat.handshakes)).not.toContain(token);
  });

  it('answers 404 for an unknown route, 503 without an instance, 502 when the instance refuses', async () => {
    const dead = { id: 'chat#9', host: '127.0.14.9', port: await closedPort('127.0.14.9') };
    const { gw } = await setup({ chat: [dead] });
    const auth = { authorization: `Bearer ${token}` };
    expect(codeOf(await tryUpgrade(gw.port, '/nowhere/ws', { headers: auth }))).toEqual([404, 'GATEWAY_ROUTE_NOT_FOUND']);
    expect(codeOf(await tryUpgrade(gw.port, '/auth/introspect', { headers: auth }))).toEqual([404, 'GATEWAY_ROUTE_NOT_FOUND']);
    expect(codeOf(await tryUpgrade(gw.port, '/empty/ws', { headers: auth }))).toEqual([503, 'GATEWAY_NO_INSTANCE']);
    expect(codeOf(await tryUpgrade(gw.port, '/chat/ws', { headers: auth }))).toEqual([502, 'GATEWAY_UPSTREAM_UNREACHABLE']);
    // Raw: a WebSocket client would resolve the dot segment itself.
    const dots = await rawRequest(gw.port, `GET /chat/%2e%2e/ws HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer ${token}\r\n\r\n`);
    expect([dots.status, (dots.body as { error: { code: string } }).error.code]).toEqual([400, 'GATEWAY_PATH_INVALID']);
  });

  it('refuses an upgrade to another protocol, and relays the plain answer of an upstream that does not switch', async () => {
    const { gw } = await setup();
    const h2c = await rawRequest(gw.port, 'GET /open/x HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n');
    expect([h2c.status, (h2c.body as { error: { code: string } }).error.code]).toEqual([400, 'GATEWAY_UPGRADE_UNSUPPORTED']);
    const plain = await tryUpgrade(gw.port, '/open/x');
    expect(plain.kind === 'refused' && [plain.status, plain.headers.connection, (plain.body as { instance: string }).instance]).toEqual([200, 'close', 'plain#1']);
  });

  it('rate-limits handshakes per client address like requests (429 with Retry-After)', async () => {
    const { gw } = await setup({ config: { rateLimitRps: 1, rateLimitBurst: 1 } });
    opened(await tryUpgrade(gw.port, '/chat/ws', { headers: { authorization: `Bearer ${token}` } }));
    const limited = await tryUpgrade(gw.port, '/chat/ws', { headers: { authorization: `Bearer ${token}` } });
    expect(codeOf(limited)).toEqual([429, 'GATEWAY_RATE_LIMITED']);
    expect(limited.kind === 'refused' && Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('records a server span for the handshake (101) and a client span to the instance, without the token', async () => {
    const { gw } = await setup();
    opened(await tryUpgrade(gw.port, '/chat/ws', { protocols: ['bearer', token] }));
    await expect.poll(() => gw.spans().some((span) => span.kind === 'client' && span.name === 'chat: GET /chat/ws'), { message: 'the client span' }).toBeTruthy();
    const server = gw.spans().find((span) => span.kind === 'server' && span.name === 'GET /chat/ws');
    expect(server).toMatchObject({ status: 101, attributes: { upgrade: 'websocket', route: '/chat', service: 'chat', upstream: 'chat#1', authResult: 'active', tokenVia: 'subprotocol' } });
    const client = gw.spans().find((span) => span.kind === 'client' && span.name === 'chat: GET /chat/ws');
    expect(client).toMatchObject({ status: 101, parentSpanId: server!.spanId, attributes: { peer: 'chat#1' } });
    expect(JSON.stringify(gw.spans())).not.toContain(token);
  });
});
