import { afterEach, describe, expect, it } from 'vitest';
import { errorCode, send, uploadChunked } from '#test-support/gateway.js';
import { closeServer, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { defineRoute, Router } from './router.js';
import { createHttpServer } from './server.js';

// RFC 9110 §15.5.14 (413 Content Too Large): the server may close the connection after the
// 413 to stop the client from sending more — but the client must get the 413 first, not a reset.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startService(bodyLimit: number): Promise<{ port: number; received: () => number }> {
  let handled = 0;
  const router = new Router().add(
    defineRoute({
      method: 'POST',
      path: '/things',
      handler: () => {
        handled += 1;
        return { ok: true };
      },
    }),
  );
  const server = createHttpServer({ router, telemetry: recordTelemetry('svc', { level: 'error' }).telemetry, bodyLimit });
  const { port } = await listenOnLoopback(server);
  cleanups.push(() => closeServer(server));
  return { port, received: () => handled };
}

describe('the kit server refusing a chunked body over its limit (RFC 9110 §15.5.14)', () => {
  it('answers the whole 413 with Connection: close and then closes cleanly, never a reset', async () => {
    const service = await startService(1024 * 1024);
    for (const expectContinue of [false, true]) {
      const upload = await uploadChunked(service.port, '/things', 8 * 1024 * 1024, { expectContinue });
      expect(upload.error).toBeUndefined();
      expect([upload.response.status, errorCode(upload.response)]).toEqual([413, 'HTTP_BODY_TOO_LARGE']);
      expect(upload.response.headers.connection).toBe('close');
      expect(upload.serverClosed).toBe(true);
    }
    expect(service.received()).toBe(0);
  });

  it('still takes a body within the limit, and a declared length over it', async () => {
    const service = await startService(1024);
    expect((await send(service.port, '/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(200);
    const over = await send(service.port, '/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: 'x'.repeat(2000) }) });
    expect([over.status, errorCode(over)]).toEqual([413, 'HTTP_BODY_TOO_LARGE']);
    expect(service.received()).toBe(1);
  });
});
