import { createServer } from 'node:http';
import { once } from 'node:events';
import { describe, expect, it, onTestFinished } from 'vitest';
import { findNginx, startNginx } from '../src/bench/index.js';
import { isProcessAlive } from '../src/index.js';

const nginx = findNginx();

describe.skipIf(!nginx)('the bench’s nginx reference proxy', () => {
  it('proxies to the upstreams passing the identity assertion through (probing with it), and is gone after stop', async () => {
    const seen: unknown[] = [];
    const upstream = createServer((req, res) => {
      seen.push(req.headers['x-jwt-assertion']);
      res.statusCode = req.url === '/profile/me' && req.headers['x-jwt-assertion'] === 'signed.by.runtime' ? 200 : 401;
      res.end('{}');
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    onTestFinished(() => {
      upstream.closeAllConnections();
      upstream.close();
    });
    const { port } = upstream.address() as { port: number };
    const proxy = await startNginx({ binary: nginx!, upstreams: [{ host: '127.0.0.1', port }], probeHeaders: { 'x-jwt-assertion': 'signed.by.runtime' } });
    onTestFinished(() => proxy.stop());
    const response = await fetch(`${proxy.url}/profile/me`, { headers: { 'x-jwt-assertion': 'signed.by.runtime' } });
    await response.arrayBuffer();
    expect(response.status).toBe(200);
    expect(seen.at(-1)).toBe('signed.by.runtime');
    await proxy.stop();
    expect(isProcessAlive(proxy.pid!)).toBe(false);
  });

  it('rejects with the reason when nginx cannot start', async () => {
    await expect(startNginx({ binary: nginx!, upstreams: [{ host: '127.0.0.1', port: 1 }], startTimeoutMs: 500 })).rejects.toThrow(/nginx/);
  });
});
