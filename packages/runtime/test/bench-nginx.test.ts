import { createServer } from 'node:http';
import { once } from 'node:events';
import { describe, expect, it, onTestFinished } from 'vitest';
import { findNginx, isProcessAlive, startNginx } from '../src/index.js';

const nginx = findNginx();

describe.skipIf(!nginx)('the bench’s nginx reference proxy', () => {
  it('proxies to the upstreams with x-user-id fixed, and is gone after stop', async () => {
    const seen: unknown[] = [];
    const upstream = createServer((req, res) => {
      seen.push(req.headers['x-user-id']);
      res.statusCode = req.url === '/profile/me' ? 200 : 404;
      res.end('{}');
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    onTestFinished(() => {
      upstream.closeAllConnections();
      upstream.close();
    });
    const { port } = upstream.address() as { port: number };
    const proxy = await startNginx({ binary: nginx!, upstreams: [{ host: '127.0.0.1', port }], userId: 'user-42' });
    onTestFinished(() => proxy.stop());
    const response = await fetch(`${proxy.url}/profile/me`, { headers: { 'x-user-id': 'someone-else' } });
    await response.arrayBuffer();
    expect(response.status).toBe(200);
    expect(seen.at(-1)).toBe('user-42');
    await proxy.stop();
    expect(isProcessAlive(proxy.pid!)).toBe(false);
  });

  it('rejects with the reason when nginx cannot start', async () => {
    await expect(startNginx({ binary: nginx!, upstreams: [{ host: '127.0.0.1', port: 1 }], userId: 'u', startTimeoutMs: 500 })).rejects.toThrow(/nginx/);
  });
});
