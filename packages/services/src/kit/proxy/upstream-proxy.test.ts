import { once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, createCleanups, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { startServerTrace } from '../trace.js';
import type { Upstream } from './upstream.js';
import { createUpstreamProxy, type AttemptOutcome } from './upstream-proxy.js';

const cleanups = createCleanups();
afterEach(cleanups.run);

/** What the upstream saw of one request. */
interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The proxy's end of the connection it came on. */
  readonly port: number;
  /** Its place among the requests of that connection, from 1. */
  readonly nth: number;
}

/** An upstream on 127.0.7.1 whose `handler` answers each request; it records what it saw. */
async function startUpstream(handler: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void) {
  const seen: Seen[] = [];
  const perSocket = new WeakMap<object, number>();
  const server = createServer((req, res) => {
    const nth = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, nth);
    const record = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, port: req.socket.remotePort ?? 0, nth };
    seen.push(record);
    handler(req, res, record);
  });
  const { host, port } = await listenOnLoopback(server, '127.0.7.1');
  cleanups.defer(() => closeServer(server));
  const upstream: Upstream = { id: 'up#1', host, port };
  return { upstream, seen };
}

/** A front server that forwards every request to `upstream` and answers 502 with the outcome when the attempt failed. */
async function startFront(upstream: Upstream, timeoutMs = 2000) {
  const recorded = recordTelemetry('front', { level: 'error' });
  const proxy = createUpstreamProxy({ timeoutMs, telemetry: recorded.telemetry });
  const outcomes: AttemptOutcome[] = [];
  const rejected: Error[] = [];
  const server = createServer((req, res) => {
    if (req.url === '/refused-header') req.headers['x-bad'] = 'a\nb';
    proxy.forward(req, res, { upstream, trace: startServerTrace(undefined), name: 'up: test', body: undefined, closeAfter: false }).then(
      (outcome) => {
        outcomes.push(outcome);
        if (outcome.kind === 'failed') res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ failure: outcome.failure, staleSocket: outcome.staleSocket, code: (outcome.cause as Error & { code?: string }).code }));
      },
      (error: Error) => {
        rejected.push(error);
        res.writeHead(500).end();
      },
    );
  });
  const { port } = await listenOnLoopback(server);
  cleanups.defer(async () => {
    proxy.close();
    await closeServer(server);
  });
  return { port, outcomes, rejected, spans: recorded.spans };
}

interface Answer {
  readonly status: number;
  readonly statusMessage: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: string;
  /** 1xx answers seen before the final one. */
  readonly informational: number[];
}

function call(port: number, path: string, method = 'GET', body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const informational: number[] = [];
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', headers: res.headers, rawHeaders: res.rawHeaders, body: text, informational }),
      );
      res.on('error', reject);
    });
    req.on('information', (info) => informational.push(info.statusCode));
    req.on('error', reject);
    req.end(body);
  });
}

const ok = (_req: IncomingMessage, res: ServerResponse) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');

describe('upstream proxy: connections', () => {
  it('reuses a kept-alive connection for GETs, and opens one per POST that it closes after', async () => {
    const { upstream, seen } = await startUpstream((req, res) => {
      req.resume();
      req.on('end', () => ok(req, res));
    });
    const front = await startFront(upstream);
    for (const path of ['/a', '/b', '/c']) expect((await call(front.port, path)).body).toBe('ok');
    for (const path of ['/p1', '/p2']) expect((await call(front.port, path, 'POST', '{}')).body).toBe('ok');
    const [a, b, c, p1, p2] = seen;
    expect([a?.nth, b?.nth, c?.nth]).toEqual([1, 2, 3]);
    expect(new Set([a?.port, b?.port, c?.port]).size).toBe(1);
    expect(a?.headers.connection).toBe('keep-alive');
    // A request that must not be sent twice never goes on a socket that served one before.
    expect([p1?.nth, p2?.nth]).toEqual([1, 1]);
    expect(new Set([a?.port, p1?.port, p2?.port]).size).toBe(3);
    expect([p1?.headers.connection, p2?.headers.connection]).toEqual(['close', 'close']);
    expect(p1?.headers['content-length']).toBe('2');
  });

  it('reports a reset on a kept-alive socket as staleSocket (closed or reset), and one on a fresh connection not', async () => {
    const { upstream } = await startUpstream((req, res, seen) => {
      if (req.url === '/closes' && seen.nth > 1) return req.socket.destroy();
      if (req.url === '/resets' && seen.nth > 1) return req.socket.resetAndDestroy();
      if (req.url === '/fresh') return req.socket.destroy();
      ok(req, res);
    });
    const front = await startFront(upstream);
    expect((await call(front.port, '/first')).status).toBe(200);
    expect(JSON.parse((await call(front.port, '/closes')).body)).toEqual({ failure: 'failed', staleSocket: true, code: 'UND_ERR_SOCKET' });
    expect((await call(front.port, '/first')).status).toBe(200);
    expect(JSON.parse((await call(front.port, '/resets')).body)).toEqual({ failure: 'failed', staleSocket: true, code: 'ECONNRESET' });
    // The last connection is gone: this one is new.
    expect(JSON.parse((await call(front.port, '/fresh')).body)).toEqual({ failure: 'failed', staleSocket: false, code: 'UND_ERR_SOCKET' });
  });

  it('tells a refused connection from a reset, and rejects a request it cannot send at all', async () => {
    const { upstream } = await startUpstream(ok);
    const front = await startFront(upstream);
    expect((await call(front.port, '/refused-header')).status).toBe(500);
    expect(front.rejected.map((error) => (error as Error & { code?: string }).code)).toEqual(['UND_ERR_INVALID_ARG']);
    const server = createServer();
    const { port } = await listenOnLoopback(server, '127.0.7.2');
    await closeServer(server);
    const dead = await startFront({ id: 'up#2', host: '127.0.7.2', port });
    expect(JSON.parse((await call(dead.port, '/x')).body)).toEqual({ failure: 'refused', staleSocket: false, code: 'ECONNREFUSED' });
  });
});

describe('upstream proxy: answers', () => {
  it('passes status, reason and every Set-Cookie on, minus hop-by-hop headers, an upstream\'s HSTS and 1xx answers', async () => {
    const { upstream } = await startUpstream((_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload' });
      res.statusMessage = 'Fine Indeed';
      res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; HttpOnly']);
      // RFC 6797: only the edge knows the client's Host and whether its hop is TLS, so only it may set this.
      res.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
      res.setHeader('x-hop', '1');
      res.setHeader('connection', 'x-hop');
      res.writeHead(201).end('made');
    });
    const front = await startFront(upstream);
    const answer = await call(front.port, '/make');
    expect([answer.status, answer.statusMessage, answer.body]).toEqual([201, 'Fine Indeed', 'made']);
    expect(answer.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(answer.headers).not.toHaveProperty('x-hop');
    expect(answer.headers).not.toHaveProperty('strict-transport-security');
    expect(answer.informational).toEqual([]);
    await expect.poll(() => front.spans().length === 1, { message: 'the client span' }).toBeTruthy();
    expect(front.spans()[0]).toMatchObject({ kind: 'client', status: 201 });
  });

  it('sends a bodiless DELETE without a body or framing headers, and the upstream answers it', async () => {
    const { upstream, seen } = await startUpstream(ok);
    const front = await startFront(upstream);
    expect((await call(front.port, '/thing', 'DELETE')).body).toBe('ok');
    expect(seen[0]?.headers).not.toHaveProperty('transfer-encoding');
    expect(Number(seen[0]?.headers['content-length'] ?? 0)).toBe(0);
  });

  it('streams a large answer whole to a client that pauses', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const { upstream } = await startUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < 256; i++) if (!res.write(chunk)) await once(res, 'drain');
      res.end();
    });
    const front = await startFront(upstream);
    const received = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: front.port, path: '/big', agent: false }, (res) => {
        let bytes = 0;
        res.pause();
        setTimeout(() => res.resume(), 200);
        res.on('data', (data: Buffer) => (bytes += data.length));
        res.on('end', () => resolve(bytes));
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
    expect(received).toBe(256 * chunk.length);
  });
});

describe('upstream proxy: cut answers', () => {
  it('cancels the upstream request when the client leaves mid-answer', async () => {
    let upstreamClosed = false;
    const { upstream } = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first');
      res.on('close', () => (upstreamClosed = true));
    });
    const front = await startFront(upstream);
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: front.port, path: '/stream', agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
      req.end();
      setTimeout(() => reject(new Error('no first chunk')), 2000);
    });
    await expect.poll(() => upstreamClosed, { message: 'the upstream to see its request cancelled' }).toBeTruthy();
    expect(front.outcomes).toEqual([{ kind: 'response', status: 200 }]);
  });

  it('cuts the answer when the upstream dies mid-body, or stays silent past the timeout', async () => {
    const { upstream } = await startUpstream((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
      res.write('part');
      if (req.url === '/dies') setTimeout(() => req.socket.destroy(), 20);
    });
    const front = await startFront(upstream, 200);
    for (const path of ['/dies', '/silent']) {
      const started = Date.now();
      const cut = await new Promise<{ complete: boolean; body: string }>((resolve) => {
        request({ host: '127.0.0.1', port: front.port, path, agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (data: string) => (body += data));
          res.on('close', () => resolve({ complete: res.complete, body }));
          res.on('error', () => undefined);
        })
          .on('error', () => undefined)
          .end();
      });
      expect(cut, path).toEqual({ complete: false, body: 'part' });
      expect(Date.now() - started, path).toBeLessThan(1500);
    }
  });
});
