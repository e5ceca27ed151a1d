import { describe, expect, it } from 'vitest';
import type { RouteEntry } from '../contract/registry-api.js';
import type { Span } from '../contract/telemetry.js';
import { createServerDiscovery } from '../gateway/discovery/server-discovery.js';
import { buildCatalog, createFixedCatalog, errorCode, send, startEchoUpstream, startSilentUpstream, startTestGateway, type EchoRecord, type TestServer } from '#test-support/gateway.js';
import { startTestLb } from '#test-support/lb.js';
import { closeAfterTest } from '#test-support/kit.js';

const routes: RouteEntry[] = [
  { prefix: '/profile', access: 'public', service: 'profile' },
  { prefix: '/mail', access: 'public', service: 'mail' },
];

/** Gateway in server mode → lb → profile instances, all in-process over one fixed catalog. */
async function serverTopology(profiles: TestServer[], upstreamTimeoutMs = 2000) {
  const catalog = createFixedCatalog(buildCatalog(routes, { profile: profiles, mail: [] }));
  const lb = await closeAfterTest(startTestLb({ catalog, config: { upstreamTimeoutMs } }));
  catalog.set(buildCatalog(routes, { profile: profiles, mail: [], lb: [lb] }, 2));
  const gw = await closeAfterTest(startTestGateway({ catalog, discovery: createServerDiscovery({ catalog, upstreamTimeoutMs }), config: { upstreamTimeoutMs } }));
  return { catalog, lb, gw };
}

const byKind = (spans: Span[], kind: Span['kind']) => spans.filter((span) => span.kind === kind);

describe('server-side discovery (gateway → lb → instance)', () => {
  it('sends every request to the lb, which picks the instance round-robin and sees the gateway identity headers', async () => {
    const profile1 = await closeAfterTest(startEchoUpstream('profile#1', '127.0.5.1'));
    const profile2 = await closeAfterTest(startEchoUpstream('profile#2', '127.0.5.2'));
    const { gw, lb } = await serverTopology([profile1, profile2]);
    const first = await send(gw.port, '/profile/me', { localAddress: '127.0.9.9', headers: { 'x-user-id': 'spoof' } });
    const second = await send(gw.port, '/profile/me');
    expect([(first.body as EchoRecord).instance, (second.body as EchoRecord).instance]).toEqual(['profile#1', 'profile#2']);
    const seen = (first.body as EchoRecord).headers;
    expect(seen['x-forwarded-for']).toBe('127.0.9.9');
    expect(seen['x-request-id']).toBe(first.headers['x-request-id']);
    expect(seen['x-user-id']).toBeUndefined();
    await expect.poll(() => byKind(lb.spans(), 'server').length === 2 && byKind(gw.spans(), 'server').length === 2, { message: 'server spans of both hops' }).toBeTruthy();
    expect(byKind(gw.spans(), 'server').map((span) => span.attributes)).toEqual([
      expect.objectContaining({ discovery: 'server', service: 'profile', upstream: 'lb#1', upstreamAddress: `${lb.host}:${lb.port}`, retries: 0 }),
      expect.objectContaining({ discovery: 'server', upstream: 'lb#1' }),
    ]);
    expect(byKind(lb.spans(), 'server').map((span) => span.attributes?.upstream)).toEqual(['profile#1', 'profile#2']);
  });

  it('shows the hops gateway → lb → profile in one trace: the lb server span is the child of the gateway client span', async () => {
    const profile = await closeAfterTest(startEchoUpstream('profile#1', '127.0.5.1'));
    const { gw, lb } = await serverTopology([profile]);
    const answer = await send(gw.port, '/profile/me');
    await expect.poll(() => gw.spans().length === 2 && lb.spans().length === 2, { message: 'two spans per hop' }).toBeTruthy();
    const [gwServer] = byKind(gw.spans(), 'server');
    const [gwClient] = byKind(gw.spans(), 'client');
    const [lbServer] = byKind(lb.spans(), 'server');
    const [lbClient] = byKind(lb.spans(), 'client');
    const traceId = gwServer?.traceId;
    expect(gwClient).toMatchObject({ traceId, parentSpanId: gwServer?.spanId, attributes: { peer: 'lb#1' } });
    expect(lbServer).toMatchObject({ traceId, parentSpanId: gwClient?.spanId, attributes: { route: '/profile', service: 'profile', upstream: 'profile#1' } });
    expect(lbClient).toMatchObject({ traceId, parentSpanId: lbServer?.spanId, attributes: { peer: 'profile#1' } });
    expect((answer.body as EchoRecord).headers.traceparent).toBe(`00-${traceId}-${lbClient?.spanId}-01`);
  });

  it('gives the lb time for its own retry: a GET whose instance times out comes back from the other one', async () => {
    const silent = await closeAfterTest(startSilentUpstream('profile#1', '127.0.5.1'));
    const live = await closeAfterTest(startEchoUpstream('profile#2', '127.0.5.2'));
    const { gw, lb } = await serverTopology([silent, live], 150);
    const get = await send(gw.port, '/profile/me');
    expect(get.body).toMatchObject({ instance: 'profile#2' });
    const post = await send(gw.port, '/profile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect([post.status, errorCode(post)]).toEqual([504, 'LB_UPSTREAM_TIMEOUT']);
    await expect.poll(() => byKind(lb.spans(), 'server').length === 2 && byKind(gw.spans(), 'server').length === 2, { message: 'server spans' }).toBeTruthy();
    expect(byKind(lb.spans(), 'server').map((span) => span.attributes?.retries)).toEqual([1, 0]);
    expect(byKind(gw.spans(), 'server').map((span) => span.attributes?.retries)).toEqual([0, 0]);
  });

  it('passes the lb error answers on, and answers 503 GATEWAY_NO_INSTANCE when no lb is registered', async () => {
    const profile = await closeAfterTest(startEchoUpstream('profile#1', '127.0.5.1'));
    const { gw, catalog } = await serverTopology([profile]);
    const none = await send(gw.port, '/mail/inbox');
    expect([none.status, errorCode(none)]).toEqual([503, 'LB_NO_INSTANCE']);
    catalog.set(buildCatalog(routes, { profile: [profile], mail: [] }, 3));
    const noLb = await send(gw.port, '/profile/me');
    expect([noLb.status, errorCode(noLb)]).toEqual([503, 'GATEWAY_NO_INSTANCE']);
  });
});
