import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RequestBody } from './request-body.js';

// nginx's client_body_timeout: "set only for a period between two successive read operations,
// not for the transmission of the whole request body".

const idleMs = 1000;

/** A RequestBody over a fake request (a PassThrough stands in for the IncomingMessage), with its hook calls. */
function createBody(limit = Number.POSITIVE_INFINITY) {
  const req = new PassThrough();
  const calls = { chunk: 0, over: 0, idle: 0 };
  const body = new RequestBody(req as unknown as IncomingMessage, { limit, idleMs }, {
    chunk: () => void calls.chunk++,
    over: () => void calls.over++,
    idle: () => void calls.idle++,
  });
  return { req, body, calls };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RequestBody idle timer', () => {
  it('fires after the idle time without a chunk, and lets go of the request', async () => {
    const { req, body, calls } = createBody();
    body.resume();
    await vi.advanceTimersByTimeAsync(idleMs - 1);
    expect(calls.idle).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect([calls.idle, body.waitingForClient]).toEqual([1, false]);
    // Detached: later chunks are not passed on.
    req.write('late');
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.chunk).toBe(0);
  });

  it('is reset by every chunk: ten chunks 0.9 idle times apart never fire it', async () => {
    const { req, body, calls } = createBody();
    body.resume();
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(idleMs * 0.9);
      req.write(Buffer.alloc(16));
    }
    expect([calls.chunk, calls.idle]).toEqual([10, 0]);
    await vi.advanceTimersByTimeAsync(idleMs);
    expect(calls.idle).toBe(1);
  });

  it('does not run while the reader holds the body back (backpressure), and starts again when it reads', async () => {
    const { req, body, calls } = createBody();
    // Nobody reads `body`: past its buffer it pauses the request; the upstream, not the client, is waiting.
    req.write(Buffer.alloc(64 * 1024));
    await vi.advanceTimersByTimeAsync(0);
    expect(body.waitingForClient).toBe(false);
    await vi.advanceTimersByTimeAsync(10 * idleMs);
    expect(calls.idle).toBe(0);
    body.resume();
    await vi.advanceTimersByTimeAsync(0);
    expect(body.waitingForClient).toBe(true);
    await vi.advanceTimersByTimeAsync(idleMs);
    expect(calls.idle).toBe(1);
  });

  it('stops once the body ended, and on the limit reports over, not idle', async () => {
    const ended = createBody();
    ended.body.resume();
    ended.req.end('whole');
    await vi.advanceTimersByTimeAsync(10 * idleMs);
    expect([ended.calls.chunk, ended.calls.idle, ended.body.waitingForClient]).toEqual([1, 0, false]);
    const big = createBody(8);
    big.body.resume();
    big.req.write(Buffer.alloc(9));
    await vi.advanceTimersByTimeAsync(10 * idleMs);
    expect([big.calls.over, big.calls.idle]).toEqual([1, 0]);
  });
});
