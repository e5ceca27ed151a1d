import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectWebSocket, toWebSocketUrl } from './websocket-client.js';

let server: Server | undefined;
let wss: WebSocketServer | undefined;

afterEach(async () => {
  for (const client of wss?.clients ?? []) client.terminate();
  wss?.close();
  server?.closeAllConnections();
  if (server?.listening) await new Promise<void>((resolve) => server!.close(() => resolve()));
  server = undefined;
  wss = undefined;
});

/** A server that refuses handshakes without `authorization: Bearer good` (401 JSON) and hands accepted sockets to `onSocket`. */
async function startServer(onSocket: (socket: WebSocket, headers: Record<string, unknown>) => void): Promise<string> {
  server = createServer();
  wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('bearer') ? 'bearer' : false) });
  server.on('upgrade', (req, socket, head) => {
    const viaProtocol = String(req.headers['sec-websocket-protocol'] ?? '').includes('good');
    if (req.headers.authorization !== 'Bearer good' && !viaProtocol) {
      const body = JSON.stringify({ error: { code: 'GATEWAY_UNAUTHENTICATED', message: 'no' } });
      socket.end(`HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
      return;
    }
    wss!.handleUpgrade(req, socket, head, (ws) => onSocket(ws, req.headers));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return toWebSocketUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, '/chat/ws');
}

describe('connectWebSocket', () => {
  it('hands out frames by predicate, keeping the others for later calls', async () => {
    const url = await startServer((socket) => {
      socket.send(JSON.stringify({ type: 'welcome' }));
      socket.send(JSON.stringify({ type: 'message', id: 1 }));
      socket.send(JSON.stringify({ type: 'message', id: 2 }));
      socket.send('plain text');
    });
    const client = await connectWebSocket({ url, token: 'good' });
    expect(await client.next((frame) => (frame as { id?: number }).id === 2)).toEqual({ type: 'message', id: 2 });
    expect(await client.next()).toEqual({ type: 'welcome' });
    expect(await client.next()).toEqual({ type: 'message', id: 1 });
    expect(await client.next()).toBe('plain text');
    expect(client.received).toHaveLength(4);
    expect(await client.close()).toEqual({ code: 1000, reason: '' });
  });

  it('sends the token as Authorization or as the subprotocol pair, with a traceparent', async () => {
    const seen: Record<string, unknown>[] = [];
    const url = await startServer((_socket, headers) => seen.push(headers));
    const header = await connectWebSocket({ url, token: 'good' });
    const protocol = await connectWebSocket({ url, token: 'good', tokenVia: 'subprotocol' });
    expect(protocol.protocol).toBe('bearer');
    expect(seen[0]).toMatchObject({ authorization: 'Bearer good', traceparent: expect.stringContaining(header.traceId) });
    expect(seen[1]).toMatchObject({ 'sec-websocket-protocol': 'bearer,good' });
    expect(seen[1]).not.toHaveProperty('authorization');
    await Promise.all([header.close(), protocol.close()]);
  });

  it('rejects a refused handshake with CLIENT_WEBSOCKET_REFUSED, its status and code', async () => {
    const url = await startServer(() => undefined);
    await expect(connectWebSocket({ url, token: 'bad' })).rejects.toMatchObject({ code: 'CLIENT_WEBSOCKET_REFUSED', details: { status: 401, code: 'GATEWAY_UNAUTHENTICATED' } });
  });

  it('rejects an unreachable server with CLIENT_UNREACHABLE', async () => {
    const url = await startServer(() => undefined);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    await expect(connectWebSocket({ url })).rejects.toMatchObject({ code: 'CLIENT_UNREACHABLE' });
  });

  it('fails a wait with CLIENT_WEBSOCKET_TIMEOUT, or CLIENT_WEBSOCKET_CLOSED with the close code and reason', async () => {
    let serverSide: WebSocket | undefined;
    const url = await startServer((socket) => (serverSide = socket));
    const client = await connectWebSocket({ url, token: 'good' });
    await expect(client.next(undefined, { timeoutMs: 50, description: 'nothing' })).rejects.toMatchObject({ code: 'CLIENT_WEBSOCKET_TIMEOUT' });
    const waiting = client.next();
    serverSide!.close(4401, 'token revoked');
    await expect(waiting).rejects.toMatchObject({ code: 'CLIENT_WEBSOCKET_CLOSED', details: { code: 4401, reason: 'token revoked' } });
    expect(await client.closed).toEqual({ code: 4401, reason: 'token revoked' });
    await expect(client.next()).rejects.toMatchObject({ code: 'CLIENT_WEBSOCKET_CLOSED' });
  });

  it('builds ws: and wss: URLs from a gateway URL', () => {
    expect(toWebSocketUrl('http://127.0.0.1:8080', '/chat/ws')).toBe('ws://127.0.0.1:8080/chat/ws');
    expect(toWebSocketUrl('https://www.topolab.test:8443/', '/chat/ws?x=1')).toBe('wss://www.topolab.test:8443/chat/ws?x=1');
  });
});
