import { afterEach, describe, expect, it } from 'vitest';
import { createPassiveHealth } from '../kit/discovery/passive-health.js';
import { createServerDiscovery } from '../gateway/discovery/server-discovery.js';
import { buildCatalog, chunkedLimitRoutes, cleanRefusal, createFixedCatalog, errorCode, refusalOf, send, startCountingUpstream, startTestGateway, startTestServer, uploadChunked, type TestInstance } from '#test-support/gateway.js';
import { createCleanups } from '#test-support/kit.js';
import { startTestLb } from '#test-support/lb.js';

// RFC 9110 §15.5.14 (413 Content Too Large): a chunked body declares no length, so the lb
// counts it as it streams to the instance, like the gateway.

const MiB = 1024 * 1024;
const routes = chunkedLimitRoutes;

const cleanups = createCleanups();
afterEach(cleanups.run);
const track = cleanups.track;

/** An lb over `instances` of auth that skips an instance after `failures` counted failures. */
function lbOver(instances: TestInstance[], failures: number) {
  return track(startTestLb({ catalog: createFixedCatalog(buildCatalog(routes, { auth: instances })), config: { bodyLimit: 4 * MiB, passiveHealthFailures: failures } }));
}

describe('body limit on chunked bodies at the lb (RFC 9110 §15.5.14)', () => {
  it('answers chunked 8 MiB uploads to a 1 MiB route with 413, passes at most the limit on, and never skips the instance for it', async () => {
    const auth = await track(startCountingUpstream('auth#1', '127.0.6.1'));
    const lb = await lbOver([auth], 1);
    const uploads = await Promise.all(Array.from({ length: 5 }, () => uploadChunked(lb.port, '/auth/register', 8 * MiB)));
    for (const upload of uploads) expect(refusalOf(upload)).toEqual(cleanRefusal('LB_BODY_TOO_LARGE'));
    expect(refusalOf(await uploadChunked(lb.port, '/auth/register', 8 * MiB, { method: 'PUT' }))).toEqual(cleanRefusal('LB_BODY_TOO_LARGE'));
    await expect.poll(() => auth.bodies.every((body) => body.closed), { message: 'the instance to see the cancelled requests' }).toBeTruthy();
    expect(auth.bodies.every((body) => body.bytes <= MiB && !body.complete)).toBe(true);
    const next = await send(lb.port, '/auth/jwks');
    expect([next.status, next.body]).toEqual([200, { instance: 'auth#1', bytes: 0 }]);
    expect(lb.events()).toEqual([]);
  });

  it('never skips an instance that answers 413 or 400, and still skips one whose connections keep failing', async () => {
    let n = 0;
    const strict = await track(startTestServer('auth#1', '127.0.6.1', (_record, res) => res.writeHead(n++ % 2 === 0 ? 413 : 400).end()));
    const lb = await lbOver([strict], 1);
    for (let i = 0; i < 4; i++) expect((await send(lb.port, '/auth/register', { method: 'POST', body: '{}' })).status).toBe(i % 2 === 0 ? 413 : 400);
    expect(lb.events()).toEqual([]);

    const rude = await track(startTestServer('auth#2', '127.0.6.2', (_record, res) => res.socket?.destroy()));
    const other = await lbOver([rude], 2);
    for (let i = 0; i < 2; i++) expect(errorCode(await send(other.port, '/auth/register', { method: 'POST', body: '{}' }))).toBe('LB_UPSTREAM_FAILED');
    expect(other.events()).toEqual([{ name: 'discovery.skipped', data: { instanceId: 'auth#2', failures: 2 } }]);
    expect(errorCode(await send(other.port, '/auth/register', { method: 'POST', body: '{}' }))).toBe('LB_NO_INSTANCE');
  });

  it('in server mode the gateway refuses first, and neither the gateway skips the lb nor the lb the instance', async () => {
    const auth = await track(startCountingUpstream('auth#1', '127.0.6.1'));
    const catalog = createFixedCatalog(buildCatalog(routes, { auth: [auth] }));
    const lb = await track(startTestLb({ catalog, config: { bodyLimit: 4 * MiB, passiveHealthFailures: 1 } }));
    catalog.set(buildCatalog(routes, { auth: [auth], lb: [lb] }, 2));
    const events: { name: string; data: unknown }[] = [];
    const passiveHealth = createPassiveHealth({ failures: 1, telemetry: { event: (name, data) => void events.push({ name, data }) } });
    const gw = await track(startTestGateway({ catalog, discovery: createServerDiscovery({ catalog, upstreamTimeoutMs: 2000, passiveHealth }), config: { bodyLimit: 4 * MiB } }));
    const uploads = await Promise.all(Array.from({ length: 5 }, () => uploadChunked(gw.port, '/auth/register', 8 * MiB)));
    for (const upload of uploads) expect(refusalOf(upload)).toEqual(cleanRefusal('GATEWAY_BODY_TOO_LARGE'));
    const next = await send(gw.port, '/auth/jwks');
    expect([next.status, next.body]).toEqual([200, { instance: 'auth#1', bytes: 0 }]);
    expect([events, lb.events()]).toEqual([[], []]);
    expect(auth.bodies.filter((body) => body.url === '/auth/register').every((body) => body.bytes <= MiB && !body.complete)).toBe(true);
  });
});
