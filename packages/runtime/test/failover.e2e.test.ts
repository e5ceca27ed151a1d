import type { Catalog } from '@topolab/services/contract';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isTopolabError, sendHttpRequest, type TopologyEvent } from '../src/index.js';
import { errorCode, signUp, startRealTopology, strongPassword, uniquePhone, uniqueUsername, type RealTopology } from './real-topology.js';

/** What the gateway's server span of one request said. */
interface GatewayHop {
  readonly upstream: string | undefined;
  readonly retries: number | undefined;
}

// One topology for both faults: three profile instances for (a), two auth instances for (b).
describe('failover in the real topology', () => {
  let real: RealTopology;
  // The gateway's server span of every request, by trace id (the trace collector keeps only the newest spans).
  const gatewayHops = new Map<string, GatewayHop>();
  const record = (event: TopologyEvent) => {
    if (event.type !== 'spans') return;
    for (const span of event.spans) {
      if (span.service !== 'gateway' || span.kind !== 'server') continue;
      const { upstream, retries } = span.attributes ?? {};
      gatewayHops.set(span.traceId, { upstream: typeof upstream === 'string' ? upstream : undefined, retries: typeof retries === 'number' ? retries : undefined });
    }
  };
  beforeAll(async () => {
    real = await startRealTopology({ prefix: 'failover', replicas: { profile: 3, auth: 2 }, onEvent: record });
  });
  afterAll(() => real?.stop());

  async function catalogIds(service: string): Promise<string[]> {
    const answer = await sendHttpRequest({ url: `${real.topology.registryUrl}/v1/catalog`, timeoutMs: 2000 });
    expect(answer.status).toBe(200);
    return ((answer.body as Catalog).services[service] ?? []).map((instance) => instance.instanceId);
  }

  /** Waits until the registry dropped `instanceId` and the gateway's cached catalog caught up with it. */
  async function waitUntilDropped(service: string, instanceId: string): Promise<void> {
    await vi.waitFor(
      async () => {
        const answer = await sendHttpRequest({ url: `${real.topology.registryUrl}/v1/catalog`, timeoutMs: 2000 });
        const catalog = answer.body as Catalog;
        expect((catalog.services[service] ?? []).some((instance) => instance.instanceId === instanceId), `the registry to drop ${instanceId}`).toBe(false);
        const health = await real.gateway.request<{ catalogVersion: number | null }>({ method: 'GET', path: '/health' });
        expect(health.body.catalogVersion ?? -1, `the gateway to drop ${instanceId}`).toBeGreaterThanOrEqual(catalog.version);
      },
      { timeout: 5000, interval: 10 },
    );
  }

  /** Waits until the gateway's server span of every trace arrived; returns them in order. */
  async function hopsOf(traceIds: readonly string[]): Promise<GatewayHop[]> {
    await vi.waitFor(() => expect(traceIds.every((id) => gatewayHops.has(id)), 'the gateway span of every request').toBeTruthy(), { timeout: 5000, interval: 10 });
    return traceIds.map((id) => gatewayHops.get(id)!);
  }

  it('(a) keeps answering GET /profile/me with 200 while profile#2 is SIGKILLed, and stops routing to it', async () => {
    const { gateway, topology } = real;
    const user = await signUp(topology, gateway);
    const created = await gateway.request({ method: 'POST', path: '/profile', token: user.accessToken, body: { displayName: 'Failover' } });
    expect(created.status).toBe(201);
    await expect.poll(async () => (await catalogIds('profile')).length === 3, { timeout: 5000, message: 'three profile instances in the catalog' }).toBeTruthy();

    const answers: { status: number; code: string | undefined; traceId: string; sentAt: number }[] = [];
    let killedAt: number | undefined;
    let droppedAt: number | undefined;
    let watching: Promise<void> | undefined;
    const started = Date.now();
    // Sequential, as fast as answers come; at least 2 s and until a while after the registry dropped profile#2.
    while (Date.now() - started < 2000 || droppedAt === undefined || Date.now() - droppedAt < 300) {
      if (Date.now() - started > 8000) break;
      if (killedAt === undefined && Date.now() - started >= 200) {
        topology.supervisor.signalInstance('profile#2', 'SIGKILL');
        killedAt = Date.now();
        watching = expect.poll(async () => !(await catalogIds('profile')).includes('profile#2'), { timeout: 5000, message: 'the registry to drop profile#2' }).toBeTruthy().then(() => {
          droppedAt = Date.now();
        });
        // A rejection is reported by the await below, not as an unhandled one.
        watching.catch(() => undefined);
      }
      const sentAt = Date.now();
      const answer = await gateway.request({ method: 'GET', path: '/profile/me', token: user.accessToken, timeoutMs: 5000 });
      answers.push({ status: answer.status, code: errorCode(answer.body), traceId: answer.traceId, sentAt });
    }
    await watching;
    expect(killedAt).toBeDefined();
    expect(droppedAt).toBeDefined();

    // The gateway retries a GET refused by, or reset on, the dying profile#2 once on another instance.
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    expect(await catalogIds('profile')).toEqual(expect.not.arrayContaining(['profile#2']));
    const before = await hopsOf(answers.filter((answer) => answer.sentAt < killedAt!).map((answer) => answer.traceId));
    // The loop really used profile#2 before it died (else the rest proves nothing).
    expect(before.some((hop) => hop.upstream === 'profile#2')).toBe(true);
    const afterDrop = answers.filter((answer) => answer.sentAt > droppedAt!);
    expect(afterDrop.length).toBeGreaterThan(0);
    const hops = await hopsOf(afterDrop.map((answer) => answer.traceId));
    expect(hops.filter((hop) => hop.upstream === 'profile#2')).toEqual([]);
    expect(new Set(hops.map((hop) => hop.upstream))).toEqual(new Set(['profile#1', 'profile#3']));
  });

  // A GET may be repeated safely (RFC 9110 §9.2.2): one whose connection is reset before any
  // answer goes once to another instance. Runs after (a): profile#1 and profile#3 are left.
  it('(c) retries a GET whose upstream died with the request in flight', async () => {
    const { gateway, topology } = real;
    const user = await signUp(topology, gateway);
    const created = await gateway.request({ method: 'POST', path: '/profile', token: user.accessToken, body: { displayName: 'In flight' } });
    expect(created.status).toBe(201);
    expect((await catalogIds('profile')).sort()).toEqual(['profile#1', 'profile#3']);
    // A stopped process keeps its sockets: the request routed to it waits until it is killed.
    topology.supervisor.signalInstance('profile#3', 'SIGSTOP');
    const requests = [0, 1].map(() => gateway.request({ method: 'GET', path: '/profile/me', token: user.accessToken, timeoutMs: 8000 }));
    const answered = await Promise.race(requests.map((request, i) => request.then(() => i)));
    topology.supervisor.signalInstance('profile#3', 'SIGKILL');
    const inFlight = await requests[1 - answered]!;
    expect([inFlight.status, errorCode(inFlight.body)]).toEqual([200, undefined]);
  });

  it('(b) loses no acknowledged registration when auth#1 is SIGKILLed mid-burst', async () => {
    const { gateway, topology } = real;
    const total = 40;
    const concurrency = 8;
    const outcomes: { username: string; status: number; code: string | undefined; traceId: string | undefined; afterKill: boolean }[] = [];
    let next = 0;
    let acknowledged = 0;
    let killed = false;

    async function registerNext(): Promise<void> {
      while (next < total) {
        next += 1;
        const username = uniqueUsername('burst');
        const body = { username, password: strongPassword(), phone: uniquePhone(), firstName: 'Burst' };
        const afterKill = killed;
        try {
          const answer = await gateway.request({ method: 'POST', path: '/auth/register', body, timeoutMs: 8000 });
          outcomes.push({ username, status: answer.status, code: errorCode(answer.body), traceId: answer.traceId, afterKill });
          if (answer.status === 201) acknowledged += 1;
          if (acknowledged >= 10 && !killed) {
            killed = true;
            topology.supervisor.signalInstance('auth#1', 'SIGKILL');
          }
        } catch (error) {
          // CLIENT_TIMEOUT (a hang) or CLIENT_UNREACHABLE: never acceptable from the gateway.
          outcomes.push({ username, status: 0, code: isTopolabError(error) ? error.code : String(error), traceId: undefined, afterKill });
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, () => registerNext()));

    expect(killed).toBe(true);
    expect(outcomes).toHaveLength(total);
    const failed = outcomes.filter((outcome) => outcome.status !== 201);
    for (const outcome of failed) {
      expect([502, 503], `${outcome.username}: ${outcome.status} ${outcome.code}`).toContain(outcome.status);
      expect(outcome.code, outcome.username).toMatch(/^GATEWAY_[A-Z_]+$/);
    }
    const acked = outcomes.filter((outcome) => outcome.status === 201);
    // auth#2 took over: most of the burst still got through.
    expect(acked.length).toBeGreaterThanOrEqual(total - concurrency * 2);
    expect(acked.filter((outcome) => outcome.afterKill).length).toBeGreaterThan(0);
    const served = await hopsOf(acked.map((outcome) => outcome.traceId!));
    expect(new Set(served.map((hop) => hop.upstream))).toEqual(new Set(['auth#1', 'auth#2']));

    // Every acknowledged username is stored: registering it again is refused (asked of auth#2
    // once the failover settled, so no check lands on the dead auth#1).
    await waitUntilDropped('auth', 'auth#1');
    for (const { username } of acked) {
      const again = await gateway.request({ method: 'POST', path: '/auth/register', body: { username, password: strongPassword(), phone: uniquePhone(), firstName: 'Again' } });
      expect([again.status, errorCode(again.body)], username).toEqual([409, 'AUTH_USERNAME_TAKEN']);
    }
  });
});
