import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createGatewayClient } from './gateway-client.js';

async function startEcho() {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end(JSON.stringify({ method: req.method, url: req.url, body: text ? JSON.parse(text) : null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('createGatewayClient', () => {
  it('sends JSON with a fresh traceparent and bearer token and returns status, body and trace', async () => {
    const echo = await startEcho();
    const client = createGatewayClient(echo.url);
    onTestFinished(() => client.close());
    const first = await client.request({ method: 'POST', path: '/auth/login', body: { username: 'ada' }, token: 't0k' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ method: 'POST', url: '/auth/login', body: { username: 'ada' } });
    expect(first.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(echo.seen[0]!.traceparent).toBe(`00-${first.traceId}-${first.spanId}-01`);
    expect(echo.seen[0]!.authorization).toBe('Bearer t0k');
    const second = await client.request({ method: 'GET', path: '/missing' });
    expect(second.status).toBe(404);
    expect(second.traceId).not.toBe(first.traceId);
    const dotted = await client.request({ method: 'GET', path: '/profile/../admin?x=1' });
    expect(dotted.body).toMatchObject({ url: '/profile/../admin?x=1' });
  });

  it('rejects with CLIENT_UNREACHABLE when nothing listens', async () => {
    const echo = await startEcho();
    const client = createGatewayClient(echo.url.replace(/:\d+$/, ':1'));
    onTestFinished(() => client.close());
    await expect(client.request({ method: 'GET', path: '/' })).rejects.toMatchObject({ code: 'CLIENT_UNREACHABLE', exitCode: 3 });
  });
});
