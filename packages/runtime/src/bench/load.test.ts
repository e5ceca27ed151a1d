import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runClosedLoop } from './closed-loop.js';
import { runOpenLoop } from './open-loop.js';
import { readProcessRssMb } from './process-rss.js';

async function startServer(handler: (url: string, headers: Record<string, unknown>) => number): Promise<string> {
  const server: Server = createServer((req, res) => {
    res.statusCode = handler(req.url ?? '', req.headers);
    res.end('{}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  onTestFinished(() => server.closeAllConnections());
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

describe('load generators', () => {
  it('runClosedLoop counts answers, non-2xx and latencies with autocannon', async () => {
    const seen = new Set<unknown>();
    const base = await startServer((url, headers) => {
      seen.add(headers['x-user-id']);
      return url === '/missing' ? 404 : 200;
    });
    const ok = await runClosedLoop({ urls: [`${base}/ok`], headers: { 'x-user-id': 'u1' }, connections: 2, durationMs: 300 });
    expect(ok.requests).toBeGreaterThan(0);
    expect(ok.errors).toBe(0);
    expect(ok.non2xx).toBe(0);
    expect(ok.latencyMs.p99).toBeGreaterThanOrEqual(ok.latencyMs.p50);
    expect(seen).toEqual(new Set(['u1']));
    const missing = await runClosedLoop({ urls: [`${base}/missing`], connections: 1, durationMs: 200 });
    expect(missing.non2xx).toBe(missing.requests);
  });

  it('runClosedLoop stops early when aborted', async () => {
    const base = await startServer(() => 200);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const sample = await runClosedLoop({ urls: [`${base}/ok`], connections: 1, durationMs: 30_000, signal: controller.signal });
    expect(sample.durationMs).toBeLessThan(30_000);
  });

  it('runOpenLoop sends rate × duration requests and records each status', async () => {
    const base = await startServer((url) => (url === '/fail' ? 503 : 200));
    const ticks: number[] = [];
    const records = await runOpenLoop({ url: `${base}/ok`, rate: 50, durationMs: 200, onTick: (elapsed) => ticks.push(elapsed) });
    expect(records).toHaveLength(10);
    expect(ticks).toHaveLength(10);
    expect(records.every((record) => record.status === 200 && record.doneAt !== undefined)).toBe(true);
    const failed = await runOpenLoop({ url: `${base}/fail`, rate: 20, durationMs: 100 });
    expect(failed.map((record) => record.status)).toEqual([503, 503]);
  });

  it('runOpenLoop records a refused connection as an error', async () => {
    const base = await startServer(() => 200);
    const port = Number(new URL(base).port);
    const records = await runOpenLoop({ url: `http://127.0.0.1:${port === 65535 ? 1 : port + 1}/`, rate: 10, durationMs: 100, timeoutMs: 500 });
    expect(records.every((record) => record.status === undefined && record.error !== undefined)).toBe(true);
  });
});

describe('readProcessRssMb', () => {
  it('reads the resident memory of a live process, NaN for none', () => {
    expect(readProcessRssMb(process.pid)).toBeGreaterThan(1);
    expect(readProcessRssMb(undefined)).toBeNaN();
  });
});
