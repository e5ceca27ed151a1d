import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersOk } from './probes.js';

describe('answersOk', () => {
  const server = createServer((req, res) => {
    if (req.url === '/catalog') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ services: { lb: [{ instanceId: 'lb#1' }] } }));
    } else if (req.url === '/silent') {
      // never answers
    } else {
      res.statusCode = req.url === '/health' ? 200 : 503;
      res.end('ok');
    }
  });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('holds for a 200 whose body passes the check (JSON parsed), and not otherwise', async () => {
    expect(await answersOk(`${base}/health`)).toBe(true);
    expect(await answersOk(`${base}/down`)).toBe(false);
    const hasLb = (body: unknown) => ((body as { services: Record<string, { instanceId: string }[]> }).services.lb ?? []).some((instance) => instance.instanceId === 'lb#1');
    expect(await answersOk(`${base}/catalog`, 500, hasLb)).toBe(true);
    expect(await answersOk(`${base}/catalog`, 500, () => false)).toBe(false);
  });

  it('is false when nobody listens or nothing answers in time', async () => {
    expect(await answersOk('http://127.0.0.1:1/health', 200)).toBe(false);
    expect(await answersOk(`${base}/silent`, 100)).toBe(false);
  });
});
