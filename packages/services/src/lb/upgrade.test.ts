import { describe, expect, it, onTestFinished } from 'vitest';
import type { RouteEntry } from '../contract/registry-api.js';
import { nextFrame, startWebSocketUpstream, tryUpgrade, type UpgradeResult } from '#test-support/kit-proxy.js';
import { buildCatalog, closedPort, createFixedCatalog, type TestInstance } from '#test-support/gateway.js';
import { startTestLb } from '#test-support/lb.js';
import { closeAfterTest } from '#test-support/kit.js';

const routes: RouteEntry[] = [
  { prefix: '/chat', access: 'protected', service: 'chat' },
  { prefix: '/empty', access: 'protected', service: 'nobody' },
  { prefix: '/auth/introspect', access: 'internal', service: 'auth' },
];

async function lbOver(chat: TestInstance[]) {
  const catalog = createFixedCatalog(buildCatalog(routes, { chat, nobody: [], auth: [] }));
  const lb = await closeAfterTest(startTestLb({ catalog }));
  return lb;
}

function upstream(id: string, host: string) {
  return closeAfterTest(startWebSocketUpstream(id, host));
}

const codeOf = (result: UpgradeResult) => (result.kind === 'refused' ? [result.status, (result.body as { error?: { code?: string } }).error?.code] : ['open']);

describe('lb WebSocket upgrades (server-side discovery)', () => {
  it('spreads handshakes over the instances round-robin and passes the gateway’s identity headers unchanged', async () => {
    const one = await upstream('chat#1', '127.0.14.1');
    const two = await upstream('chat#2', '127.0.14.2');
    const lb = await lbOver([one, two]);
    const instances: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const result = await tryUpgrade(lb.port, '/chat/ws', { headers: { 'x-user-id': 'user-7', 'x-token-id': 'jti-7', 'x-token-exp': '4000000000' } });
      if (result.kind !== 'open') throw new Error(`refused: ${result.status}`);
      onTestFinished(() => result.socket.terminate());
      result.socket.send('hi');
      instances.push(((await nextFrame(result.socket)) as { instance: string }).instance);
    }
    expect(instances.sort()).toEqual(['chat#1', 'chat#2']);
    for (const seen of [...one.handshakes, ...two.handshakes]) expect(seen).toMatchObject({ 'x-user-id': 'user-7', 'x-token-id': 'jti-7', 'x-token-exp': '4000000000' });
    await expect.poll(() => lb.spans().filter((span) => span.kind === 'server' && span.status === 101).length === 2, { message: 'two 101 server spans' }).toBeTruthy();
    expect(lb.spans().find((span) => span.kind === 'server')).toMatchObject({ name: 'GET /chat/ws', attributes: { upgrade: 'websocket', route: '/chat', service: 'chat' } });
  });

  it('answers its own errors on the raw socket: 404 unknown or internal route, 503 no instance, 502 refused', async () => {
    const dead = { id: 'chat#9', host: '127.0.14.9', port: await closedPort('127.0.14.9') };
    const lb = await lbOver([dead]);
    expect(codeOf(await tryUpgrade(lb.port, '/nowhere'))).toEqual([404, 'LB_ROUTE_NOT_FOUND']);
    expect(codeOf(await tryUpgrade(lb.port, '/auth/introspect'))).toEqual([404, 'LB_ROUTE_NOT_FOUND']);
    expect(codeOf(await tryUpgrade(lb.port, '/empty/ws'))).toEqual([503, 'LB_NO_INSTANCE']);
    expect(codeOf(await tryUpgrade(lb.port, '/chat/ws'))).toEqual([502, 'LB_UPSTREAM_UNREACHABLE']);
    // The refused instance is ejected: the next handshake finds none left.
    expect(codeOf(await tryUpgrade(lb.port, '/chat/ws'))).toEqual([503, 'LB_NO_INSTANCE']);
  });
});
