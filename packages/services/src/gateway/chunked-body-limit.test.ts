import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createPassiveHealth } from '../kit/discovery/passive-health.js';
import { defineRoute, Router } from '../kit/http/router.js';
import { createHttpServer } from '../kit/http/server.js';
import { closeServer, createCleanups, listenOnLoopback, recordTelemetry } from '#test-support/kit.js';
import { createClientDiscovery } from './discovery/client-discovery.js';
import { buildCatalog, chunkedLimitRoutes, cleanRefusal, createFixedCatalog, errorCode, refusalOf, send, startCountingUpstream, startTestGateway, startTestServer, uploadChunked, type TestInstance } from '#test-support/gateway.js';

// RFC 9110 §15.5.14 (413 Content Too Large): the server refuses a request whose content is
// larger than it is willing to process, and may close the connection to stop the client from
// sending more. A chunked body declares no length, so the gateway counts it as it streams.

const MiB = 1024 * 1024;
const routes = chunkedLimitRoutes;

const cleanups = createCleanups();
afterEach(cleanups.run);
const track = cleanups.track;

/** A gateway over `instances` of auth whose passive health ejects after `failures` counted failures. */
async function gatewayOver(instances: TestInstance[], failures: number, bodyLimit = 4 * MiB) {
  const events: { name: string; data: unknown }[] = [];
  const catalog = createFixedCatalog(buildCatalog(routes, { auth: instances }));
  const passiveHealth = createPassiveHealth({ failures, telemetry: { event: (name, data) => void events.push({ name, data }) } });
  const gw = await track(startTestGateway({ catalog, discovery: createClientDiscovery({ catalog, passiveHealth }), config: { bodyLimit } }));
  return { gw, events };
}

describe('body limit on chunked bodies at the gateway (RFC 9110 §15.5.14)', () => {
  it('answers a chunked 8 MiB upload to a 1 MiB route with 413, passing at most the limit upstream, and closes cleanly', async () => {
    const auth = await track(startCountingUpstream('auth#1', '127.0.6.1'));
    const { gw } = await gatewayOver([auth], 5);
    const upload = await uploadChunked(gw.port, '/auth/register', 8 * MiB);
    expect(refusalOf(upload)).toEqual(cleanRefusal('GATEWAY_BODY_TOO_LARGE'));
    expect((upload.response.body as { error: { message: string } }).error.message).toBe(`The request body is larger than the limit of ${MiB} bytes.`);
    // The attempt was cancelled: the upstream got at most the limit, never the whole body, and no answer was asked of it.
    await expect.poll(() => auth.bodies.every((body) => body.closed), { message: 'the upstream to see the cancelled request' }).toBeTruthy();
    expect(auth.bodies.length).toBeLessThanOrEqual(1);
    for (const body of auth.bodies) {
      expect(body.bytes).toBeLessThanOrEqual(MiB);
      expect(body.complete).toBe(false);
    }
  });

  it('does the same after inviting the upload with 100 Continue, and for a chunked PUT it buffers for a retry', async () => {
    const auth = await track(startCountingUpstream('auth#1', '127.0.6.1'));
    const { gw } = await gatewayOver([auth], 5);
    expect(refusalOf(await uploadChunked(gw.port, '/auth/register', 8 * MiB, { expectContinue: true }))).toEqual(cleanRefusal('GATEWAY_BODY_TOO_LARGE'));
    expect(refusalOf(await uploadChunked(gw.port, '/auth/register', 8 * MiB, { method: 'PUT' }))).toEqual(cleanRefusal('GATEWAY_BODY_TOO_LARGE'));
    await expect.poll(() => auth.bodies.every((body) => body.closed), { message: 'the upstream to see the cancelled request' }).toBeTruthy();
    expect(auth.bodies.every((body) => body.bytes <= MiB && !body.complete)).toBe(true);
  });

  it('lets a chunked body within the route limit through whole', async () => {
    const auth = await track(startCountingUpstream('auth#1', '127.0.6.1'));
    const { gw } = await gatewayOver([auth], 5);
    const upload = await uploadChunked(gw.port, '/auth/register', MiB - 64 * 1024, { close: true });
    expect(upload.error).toBeUndefined();
    expect([upload.response.status, upload.response.body]).toEqual([200, { instance: 'auth#1', bytes: MiB - 64 * 1024 }]);
  });

  it('cuts both sides when the limit trips after the upstream began answering, and does not count it against the upstream', async () => {
    // Answers at once and reads the body without keeping it: the gateway has an answer under way when the limit trips.
    const early = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('started');
      if (req.url !== '/auth/register') res.end();
    });
    const { host, port } = await listenOnLoopback(early, '127.0.6.2');
    cleanups.defer(() => closeServer(early));
    const { gw, events } = await gatewayOver([{ id: 'auth#2', host, port }], 1);
    // The upstream never ends this answer: only the gateway cutting the connection ends the upload.
    const upload = await uploadChunked(gw.port, '/auth/register', 8 * MiB);
    expect(upload.response.status).toBe(200);
    expect(upload.response.headers['content-length']).toBeUndefined();
    const next = await send(gw.port, '/auth/jwks');
    expect([next.status, next.body]).toEqual([200, 'started']);
    expect(events).toEqual([]);
  });

  it('five over-limit uploads in parallel do not eject the only instance: the next request is answered, not 503', async () => {
    const auth = await track(startCountingUpstream('auth#1', '127.0.6.1'));
    // One counted failure would eject it: the gateway's own refusals must count as none.
    const { gw, events } = await gatewayOver([auth], 1);
    const uploads = await Promise.all(Array.from({ length: 5 }, () => uploadChunked(gw.port, '/auth/register', 8 * MiB)));
    for (const upload of uploads) expect(refusalOf(upload)).toEqual(cleanRefusal('GATEWAY_BODY_TOO_LARGE'));
    const next = await send(gw.port, '/auth/jwks');
    expect([next.status, next.body]).toEqual([200, { instance: 'auth#1', bytes: 0 }]);
    expect(events.filter((event) => event.name === 'discovery.skipped')).toEqual([]);
    expect(auth.bodies.filter((body) => body.url === '/auth/register').every((body) => body.bytes <= MiB && !body.complete)).toBe(true);
  });
});

describe('passive health counts only failures of the upstream, never a 4xx the client caused', () => {
  it('never ejects an upstream that answers 413 or 400 every time', async () => {
    let n = 0;
    const strict = await track(
      startTestServer('auth#1', '127.0.6.1', (_record, res) => {
        const status = n++ % 2 === 0 ? 413 : 400;
        res.writeHead(status, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ error: { code: status === 413 ? 'HTTP_BODY_TOO_LARGE' : 'HTTP_VALIDATION_FAILED' } }));
      }),
    );
    const { gw, events } = await gatewayOver([strict], 1);
    for (let i = 0; i < 6; i++) {
      const answer = await send(gw.port, '/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"ada"}' });
      expect(answer.status).toBe(i % 2 === 0 ? 413 : 400);
    }
    expect(strict.requests).toHaveLength(6);
    expect(events).toEqual([]);
  });

  it('does not eject a kit service whose own smaller limit refuses chunked uploads: its 413 reaches the client, then a clean close', async () => {
    // auth's kit server allows 64 KiB on this route; the gateway 1 MiB: auth refuses first, after draining what it was sent.
    const recorded = recordTelemetry('auth', { level: 'error' });
    const router = new Router().add(defineRoute({ method: 'POST', path: '/auth/register', bodyLimit: 64 * 1024, handler: () => ({ ok: true }) }));
    const server = createHttpServer({ router, telemetry: recorded.telemetry });
    const { host, port } = await listenOnLoopback(server, '127.0.6.1');
    cleanups.defer(() => closeServer(server));
    const { gw, events } = await gatewayOver([{ id: 'auth#1', host, port }], 1);
    for (let i = 0; i < 3; i++) {
      // auth closes its connection to the gateway; the client's stays usable (its body was read whole), so it asks to close.
      const upload = await uploadChunked(gw.port, '/auth/register', 512 * 1024, { close: true });
      expect(upload.error).toBeUndefined();
      expect([upload.response.status, errorCode(upload.response)]).toEqual([413, 'HTTP_BODY_TOO_LARGE']);
    }
    // Past the gateway's limit the gateway cancels the attempt while auth still drains: the gateway's 413.
    expect(refusalOf(await uploadChunked(gw.port, '/auth/register', 8 * MiB))).toEqual(cleanRefusal('GATEWAY_BODY_TOO_LARGE'));
    const fits = await send(gw.port, '/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect([fits.status, fits.body]).toEqual([200, { ok: true }]);
    expect(events).toEqual([]);
  });

  it('still ejects an upstream that keeps failing: resets answered 502, then 503 once it is skipped', async () => {
    const rude = await track(startTestServer('auth#1', '127.0.6.1', (_record, res) => res.socket?.destroy()));
    const { gw, events } = await gatewayOver([rude], 2);
    const post = () => send(gw.port, '/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    for (let i = 0; i < 2; i++) expect(errorCode(await post())).toBe('GATEWAY_UPSTREAM_FAILED');
    expect(events).toEqual([{ name: 'discovery.skipped', data: { instanceId: 'auth#1', failures: 2 } }]);
    const skipped = await post();
    expect([skipped.status, errorCode(skipped)]).toEqual([503, 'GATEWAY_NO_INSTANCE']);
    expect(rude.requests).toHaveLength(2);
  });
});
