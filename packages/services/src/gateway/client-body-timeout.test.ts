import { connect } from 'node:net';
import { describe, it, type TestContext } from 'vitest';
import { createPassiveHealth } from '../kit/discovery/passive-health.js';
import { createCleanups, type Cleanups } from '#test-support/kit.js';
import { startTestLb } from '#test-support/lb.js';
import { createClientDiscovery } from './discovery/client-discovery.js';
import { buildCatalog, chunkedLimitRoutes, cleanRefusal, createFixedCatalog, errorCode, refusalOf, send, startCountingUpstream, startSilentUpstream, startTestGateway, uploadChunked, type TestInstance } from '#test-support/gateway.js';

// RFC 9110 §15.5.9 (408 Request Timeout): the server did not receive a complete request in the
// time it was prepared to wait, and closes the connection. nginx's `client_body_timeout` is the
// time between two reads of the body, not a deadline for the whole of it; its `max_fails`
// counts only the upstream's own errors. The proxies here wait 600 ms for the client's next chunk
// and only 250 ms for a silent upstream: a stalled client must still never be blamed on the upstream.
// (Production waits 10 s and 5 s; the ratio, not the size, is what these tests are about.)

const KiB = 1024;

/**
 * The closers of one test, run when it finishes. The tests wait on real timers, most of their time
 * idle, so they run concurrently: each has its own closers, and asserts with its own `expect`.
 */
function cleanupsOf(context: TestContext): Cleanups {
  const cleanups = createCleanups();
  context.onTestFinished(cleanups.run);
  return cleanups;
}

const timeouts = { upstreamTimeoutMs: 250, clientBodyTimeoutMs: 600 };

/** One proxy under test over `instances` of auth, skipping an instance after `failures` counted failures. */
interface ProxyUnderTest {
  readonly port: number;
  /** Passive health's `discovery.skipped` events so far. */
  skipped(): unknown[];
}

const proxies: readonly { readonly name: string; readonly prefix: 'GATEWAY' | 'LB'; start(instances: TestInstance[], failures: number, track: Cleanups['track']): Promise<ProxyUnderTest> }[] = [
  {
    name: 'gateway (client-side discovery)',
    prefix: 'GATEWAY',
    async start(instances, failures, track) {
      const events: { name: string }[] = [];
      const catalog = createFixedCatalog(buildCatalog(chunkedLimitRoutes, { auth: instances }));
      const passiveHealth = createPassiveHealth({ failures, telemetry: { event: (name) => void events.push({ name }) } });
      const gw = await track(startTestGateway({ catalog, discovery: createClientDiscovery({ catalog, passiveHealth }), config: { bodyLimit: 4 * 1024 * KiB, ...timeouts } }));
      return { port: gw.port, skipped: () => events.filter((event) => event.name === 'discovery.skipped') };
    },
  },
  {
    name: 'lb (server-side discovery)',
    prefix: 'LB',
    async start(instances, failures, track) {
      const catalog = createFixedCatalog(buildCatalog(chunkedLimitRoutes, { auth: instances }));
      const lb = await track(startTestLb({ catalog, config: { bodyLimit: 4 * 1024 * KiB, passiveHealthFailures: failures, ...timeouts } }));
      return { port: lb.port, skipped: () => lb.events().filter((event) => event.name === 'discovery.skipped') };
    },
  },
];

describe.concurrent.each(proxies)('client body timeout at the $name (RFC 9110 §15.5.9, nginx client_body_timeout)', ({ prefix, start }) => {
  it('answers 408 to five clients that stop sending at 256 KiB, aborts the half requests upstream, and never ejects the instance', async (context) => {
    const { expect } = context;
    const { track } = cleanupsOf(context);
    const auth = await track(startCountingUpstream('auth#1', '127.0.6.1'));
    // One counted failure would eject it.
    const proxy = await start([auth], 1, track);
    const uploads = await Promise.all(Array.from({ length: 5 }, () => uploadChunked(proxy.port, '/auth/register', 256 * KiB, { stall: true })));
    for (const upload of uploads) expect(refusalOf(upload)).toEqual(cleanRefusal(`${prefix}_BODY_TIMEOUT`, 408));
    expect((uploads[0]!.response.body as { error: { message: string } }).error.message).toBe('The client sent no part of the request body for 600 ms.');
    // The upstream is not left holding half a body: each attempt was cut off.
    await expect.poll(() => auth.bodies.length === 5 && auth.bodies.every((body) => body.closed), { message: 'the upstream to see the cancelled requests' }).toBeTruthy();
    expect(auth.bodies.every((body) => !body.complete && body.bytes <= 256 * KiB)).toBe(true);
    expect(proxy.skipped()).toEqual([]);
    const next = await send(proxy.port, '/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect([next.status, next.body]).toEqual([200, { instance: 'auth#1', bytes: 2 }]);
  });

  it('answers the same 408 to a body of declared length that stops short, and still ejects nothing', async (context) => {
    const { expect } = context;
    const { track } = cleanupsOf(context);
    const auth = await track(startCountingUpstream('auth#1', '127.0.6.1'));
    const proxy = await start([auth], 1, track);
    const upload = await uploadChunked(proxy.port, '/auth/register', 64 * KiB, { declaredLength: 512 * KiB, stall: true });
    expect(refusalOf(upload)).toEqual(cleanRefusal(`${prefix}_BODY_TIMEOUT`, 408));
    await expect.poll(() => auth.bodies.length === 1 && auth.bodies[0]!.closed, { message: 'the upstream to see the cancelled request' }).toBeTruthy();
    expect(auth.bodies[0]!.complete).toBe(false);
    expect(proxy.skipped()).toEqual([]);
  });

  it('resets the idle timer on every chunk: a slow client sending for twice the idle time is served', async (context) => {
    const { expect } = context;
    const { track } = cleanupsOf(context);
    const auth = await track(startCountingUpstream('auth#1', '127.0.6.1'));
    const proxy = await start([auth], 1, track);
    // A chunk every 130 ms for about 1.2 s: past any deadline of 600 ms for the whole body, never idle that long.
    const upload = await uploadChunked(proxy.port, '/auth/register', 160 * KiB, { chunkBytes: 16 * KiB, paceMs: 130, close: true });
    expect(upload.error).toBeUndefined();
    expect([upload.response.status, upload.response.body]).toEqual([200, { instance: 'auth#1', bytes: 160 * KiB }]);
    expect(proxy.skipped()).toEqual([]);
  });

  it('answers 408 to a stalled body it reads for a retry (a chunked PUT) before any upstream is asked', async (context) => {
    const { expect } = context;
    const { track } = cleanupsOf(context);
    const auth = await track(startCountingUpstream('auth#1', '127.0.6.1'));
    const proxy = await start([auth], 1, track);
    const upload = await uploadChunked(proxy.port, '/auth/register', 64 * KiB, { method: 'PUT', stall: true });
    expect(refusalOf(upload)).toEqual(cleanRefusal(`${prefix}_BODY_TIMEOUT`, 408));
    expect(auth.bodies).toEqual([]);
    expect(proxy.skipped()).toEqual([]);
  });

  it('does not count a client that gives up mid-body against the upstream, and aborts its half request', async (context) => {
    const { expect } = context;
    const { track, defer } = cleanupsOf(context);
    const auth = await track(startCountingUpstream('auth#1', '127.0.6.1'));
    const proxy = await start([auth], 1, track);
    for (let i = 0; i < 3; i++) {
      const socket = connect(proxy.port, '127.0.0.1');
      defer(() => void socket.destroy());
      socket.write('POST /auth/register HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n4000\r\n' + 'x'.repeat(0x4000) + '\r\n');
      await expect.poll(() => auth.bodies.length === i + 1 && auth.bodies[i]!.bytes > 0, { message: 'the upstream to get part of the body' }).toBeTruthy();
      socket.destroy();
    }
    await expect.poll(() => auth.bodies.every((body) => body.closed), { message: 'the upstream to see the requests end' }).toBeTruthy();
    expect(auth.bodies.every((body) => !body.complete)).toBe(true);
    expect(proxy.skipped()).toEqual([]);
  });

  it("still counts the upstream's own silence once the body is whole: 504, then the instance is skipped (503)", async (context) => {
    const { expect } = context;
    const { track } = cleanupsOf(context);
    const silent = await track(startSilentUpstream('auth#1', '127.0.6.1'));
    const proxy = await start([silent], 1, track);
    const post = () => send(proxy.port, '/auth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const timedOut = await post();
    expect([timedOut.status, errorCode(timedOut)]).toEqual([504, `${prefix}_UPSTREAM_TIMEOUT`]);
    expect(proxy.skipped()).toHaveLength(1);
    const skipped = await post();
    expect([skipped.status, errorCode(skipped)]).toEqual([503, `${prefix}_NO_INSTANCE`]);
  });
});
