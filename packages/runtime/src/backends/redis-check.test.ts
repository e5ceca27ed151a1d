import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { redisAddressOf } from '@topolab/services/contract';
import { assertRedisReachable } from './redis-check.js';

async function serve(onConnection: Parameters<typeof createServer>[1]): Promise<number> {
  const server: Server = createServer(onConnection!).listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => {
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const failureOf = (url: string, timeoutMs?: number) => assertRedisReachable(url, timeoutMs).then(() => undefined, (error: unknown) => error as Error & { code: string; exitCode: number });

describe('assertRedisReachable', () => {
  it('refuses a closed port: TOPOLOGY_BACKEND_UNREACHABLE, exit 3, host:port named, the password never (CWE-532)', async () => {
    const port = await closedPort();
    const failure = await failureOf(`redis://app:hunter2secret@127.0.0.1:${port}/0`);
    expect(failure).toMatchObject({ code: 'TOPOLOGY_BACKEND_UNREACHABLE', exitCode: 3 });
    expect(failure?.message).toBe(`Redis at 127.0.0.1:${port} is unreachable: connection refused.`);
    expect(JSON.stringify({ message: failure?.message, hint: (failure as { hint?: string }).hint, details: (failure as { details?: unknown }).details })).not.toMatch(/hunter2|app:/);
  });

  it('gives up on a server that accepts and never answers, within the timeout', async () => {
    const port = await serve((socket) => socket.resume());
    const failure = await failureOf(`redis://127.0.0.1:${port}`, 300);
    expect(failure?.message).toBe(`Redis at 127.0.0.1:${port} is unreachable: no answer within 300 ms.`);
  });

  it('refuses something that is not Redis (an HTTP server)', async () => {
    const port = await serve((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    const failure = await failureOf(`redis://127.0.0.1:${port}`);
    expect(failure).toMatchObject({ code: 'TOPOLOGY_BACKEND_UNREACHABLE' });
  });

  it('names the address without credentials, the default port when none is given', () => {
    expect(redisAddressOf('redis://user:pw@10.0.0.5')).toBe('10.0.0.5:6379');
    expect(redisAddressOf('rediss://:pw@[::1]:6380')).toBe('[::1]:6380');
  });
});
