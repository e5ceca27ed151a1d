import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { RouteEntry } from '../contract/registry-api.js';
import { buildCatalog, createFixedCatalog, errorCode, send, startEchoUpstream, startTestGateway, type EchoRecord, type TestServer } from '#test-support/gateway.js';
import { closeAfterTest } from '#test-support/kit.js';

// The gateway's own limit is 1 KiB here; `/up/big` allows 8 KiB, `/up/small` only 16 bytes.
const routes: RouteEntry[] = [
  { prefix: '/up', access: 'public', service: 'up' },
  { prefix: '/up/big', access: 'public', service: 'up', bodyLimit: 8192 },
  { prefix: '/up/small', access: 'public', service: 'up', bodyLimit: 16 },
];

async function setup(): Promise<{ port: number; upstream: TestServer }> {
  const upstream = await closeAfterTest(startEchoUpstream('up#1', '127.0.0.1'));
  const gw = await closeAfterTest(startTestGateway({ catalog: createFixedCatalog(buildCatalog(routes, { up: [upstream] })), config: { bodyLimit: 1024 } }));
  return { port: gw.port, upstream };
}

const json = (bytes: number) => JSON.stringify({ data: 'x'.repeat(bytes) });

describe('per-route body limits at the gateway', () => {
  it.each(['POST', 'PUT'])('lets %s bodies up to the route limit through and refuses larger ones with 413', async (method) => {
    const { port, upstream } = await setup();
    const fits = await send(port, '/up/big/x', { method, headers: { 'content-type': 'application/json' }, body: json(6000) });
    expect(fits.status).toBe(200);
    expect((fits.body as EchoRecord).body.length).toBe(json(6000).length);
    const over = await send(port, '/up/big/x', { method, headers: { 'content-type': 'application/json' }, body: json(9000) });
    expect([over.status, errorCode(over)]).toEqual([413, 'GATEWAY_BODY_TOO_LARGE']);
    expect(upstream.requests).toHaveLength(1);
  });

  it('keeps the gateway limit for routes without one, and a smaller route limit wins', async () => {
    const { port, upstream } = await setup();
    const plain = await send(port, '/up/x', { method: 'POST', headers: { 'content-type': 'application/json' }, body: json(2000) });
    expect([plain.status, errorCode(plain)]).toEqual([413, 'GATEWAY_BODY_TOO_LARGE']);
    const small = await send(port, '/up/small', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: json(100) });
    expect([small.status, errorCode(small)]).toEqual([413, 'GATEWAY_BODY_TOO_LARGE']);
    expect(upstream.requests).toHaveLength(0);
  });

  it('answers Expect: 100-continue by the route limit', async () => {
    const { port } = await setup();
    const firstLine = (path: string, length: number) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () =>
          socket.write(`POST ${path} HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`),
        );
        socket.setEncoding('latin1');
        socket.once('data', (chunk: string) => {
          socket.destroy();
          resolve(chunk.split('\r\n')[0]!);
        });
        socket.on('error', reject);
      });
    expect(await firstLine('/up/big', 4096)).toBe('HTTP/1.1 100 Continue');
    expect(await firstLine('/up/big', 9000)).toMatch(/^HTTP\/1\.1 413 /);
    expect(await firstLine('/up/x', 4096)).toMatch(/^HTTP\/1\.1 413 /);
  });
});
