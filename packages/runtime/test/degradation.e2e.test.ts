import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient, Topology, TopologyModes } from '../src/index.js';
import {
  answersOn,
  catalogInstanceIds,
  createEventLog,
  createGatewayClients,
  signUp,
  signUpWithProfile,
  startRealTopology,
  type EventLog,
  type RealTopology,
  type SignedUpUser,
} from './real-topology.js';

type Answer = [number, string | undefined];
const servedOnBoth: Answer[] = [
  [200, undefined],
  [200, undefined],
];
const refusedOnBoth: Answer[] = [
  [401, 'GATEWAY_TOKEN_INVALID'],
  [401, 'GATEWAY_TOKEN_INVALID'],
];
const bothGateways = ['gateway#1', 'gateway#2'];

/** A topology with two gateways and everything its instances reported. */
interface Lab {
  readonly real: RealTopology;
  readonly topology: Topology;
  /** One client per gateway, by index. */
  readonly gateways: readonly GatewayClient[];
  readonly log: EventLog;
}

/** Starts a two-gateway topology in `modes` for the enclosing describe; the returned function reads it. */
function useLab(prefix: string, modes: Partial<TopologyModes>): () => Lab {
  let lab: Lab | undefined;
  beforeAll(async () => {
    const log = createEventLog();
    const real = await startRealTopology({ prefix, modes, replicas: { gateway: 2 }, onEvent: log.listener });
    lab = { real, topology: real.topology, gateways: createGatewayClients(real.topology), log };
  });
  afterAll(async () => {
    for (const gateway of lab?.gateways ?? []) gateway.close();
    await lab?.real.stop();
  });
  return () => lab!;
}

const meOnBoth = (lab: Lab, user: SignedUpUser) => answersOn(lab.gateways, { method: 'GET', path: '/profile/me', token: user.accessToken });

async function logOut(gateway: GatewayClient, user: SignedUpUser): Promise<void> {
  const answer = await gateway.request({ method: 'POST', path: '/auth/logout', token: user.accessToken, body: { refreshToken: user.refreshToken } });
  expect(answer.status, 'logout').toBe(204);
}

/** Whether every gateway instance is in state `ready`. */
const gatewaysReady = (topology: Topology) => topology.instances().filter((instance) => instance.service === 'gateway').every((instance) => instance.state === 'ready');

describe('degradation in the real topology', () => {
  describe('(a) local auth while the bus is stopped', () => {
    const lab = useLab('degrade-local', { auth: 'local' });

    it('reports degraded, serves valid tokens, refuses a token logged out meanwhile within the fallback TTL, and restores', async () => {
      const current = lab();
      const { topology, gateways, log } = current;
      const alice = await signUpWithProfile(topology, gateways[0]!, 'Alice');
      const bob = await signUpWithProfile(topology, gateways[1]!, 'Bob');
      // Both gateways hold a cached verdict on both tokens.
      expect(await meOnBoth(current, alice)).toEqual(servedOnBoth);
      expect(await meOnBoth(current, bob)).toEqual(servedOnBoth);

      const since = log.mark();
      await topology.fault('stop', 'bus#1');
      const stoppedAt = Date.now();
      const degraded = await log.waitForEach('gateway.auth.degraded', bothGateways, { since, timeoutMs: 3000 });
      for (const event of degraded.values()) expect(event.data).toMatchObject({ mode: 'local' });
      await log.waitForEach('sidecar.bus.degraded', ['sidecar#1', 'sidecar#2'], { since, timeoutMs: 3000 });
      expect(await meOnBoth(current, alice)).toEqual(servedOnBoth);

      await logOut(gateways[0]!, bob);
      // Fallback TTL 1 s after the verdict was checked; the rest of the 3 s is for noticing the stop.
      await expect.poll(async () => {
        const answers = await meOnBoth(current, bob);
        expect(answers.every(([status]) => status === 200 || status === 401), JSON.stringify(answers)).toBe(true);
        return answers.every(([status]) => status === 401);
      }, { timeout: 3000, message: 'the token logged out while the bus is down to be refused on both gateways' }).toBeTruthy();
      expect(await meOnBoth(current, bob)).toEqual(refusedOnBoth);

      // Past the fallback TTL every verdict on alice was re-checked with auth: still served.
      while (Date.now() - stoppedAt < 1500) expect(await meOnBoth(current, alice)).toEqual(servedOnBoth);

      const beforeRestart = log.mark();
      await topology.fault('restart', 'bus#1');
      const restored = await log.waitForEach('gateway.auth.restored', bothGateways, { since: beforeRestart, timeoutMs: 8000 });
      for (const event of restored.values()) expect(event.data).toMatchObject({ mode: 'local' });
      expect(await meOnBoth(current, alice)).toEqual(servedOnBoth);
      expect(await meOnBoth(current, bob)).toEqual(refusedOnBoth);
      expect(log.crashed(since)).toEqual([]);
      expect(gatewaysReady(topology)).toBe(true);
    });
  });

  describe('(b) global auth while the cache is stopped', () => {
    const lab = useLab('degrade-global', { auth: 'global' });

    it('reports degraded, asks auth instead: valid tokens served, a logged-out token refused at once, no crash', async () => {
      const current = lab();
      const { topology, gateways, log } = current;
      const alice = await signUpWithProfile(topology, gateways[0]!, 'Alice');
      const bob = await signUpWithProfile(topology, gateways[1]!, 'Bob');
      expect(await meOnBoth(current, alice)).toEqual(servedOnBoth);
      expect(await meOnBoth(current, bob)).toEqual(servedOnBoth);

      const since = log.mark();
      await topology.fault('stop', 'cache#1');
      // Each request asks the cache: the first one after the stop finds it gone and falls back to auth.
      await expect.poll(async () => {
        expect(await meOnBoth(current, alice)).toEqual(servedOnBoth);
        return bothGateways.every((id) => log.named('gateway.auth.degraded', since).some((event) => event.instanceId === id));
      }, { timeout: 3000, message: 'gateway.auth.degraded from both gateways' }).toBeTruthy();
      for (const event of log.named('gateway.auth.degraded', since)) expect(event.data).toMatchObject({ mode: 'global' });

      await logOut(gateways[1]!, bob);
      expect(await meOnBoth(current, bob)).toEqual(refusedOnBoth);
      expect(await meOnBoth(current, alice)).toEqual(servedOnBoth);
      expect(log.crashed(since)).toEqual([]);
      expect(gatewaysReady(topology)).toBe(true);

      // The restarted cache is empty: what auth writes again, and introspection, keep every verdict right.
      const beforeRestart = log.mark();
      await topology.fault('restart', 'cache#1');
      await expect.poll(async () => {
        expect(await meOnBoth(current, alice)).toEqual(servedOnBoth);
        return bothGateways.every((id) => log.named('gateway.auth.restored', beforeRestart).some((event) => event.instanceId === id));
      }, { timeout: 5000, message: 'gateway.auth.restored from both gateways' }).toBeTruthy();
      expect(await meOnBoth(current, bob)).toEqual(refusedOnBoth);
      expect(log.crashed(since)).toEqual([]);
    });
  });

  describe('(c) sidecar auth while sidecar#1 is stopped', () => {
    const lab = useLab('degrade-sidecar', { auth: 'sidecar' });

    it('answers 503 GATEWAY_AUTH_UNAVAILABLE through gateway#1 only, never crashes, and serves again once it is back', async () => {
      const current = lab();
      const { topology, gateways, log } = current;
      const alice = await signUpWithProfile(topology, gateways[0]!, 'Alice');
      expect(await meOnBoth(current, alice)).toEqual(servedOnBoth);
      const gatewayPid = () => topology.instances().find((instance) => instance.id === 'gateway#1')!.pid;
      const pidBefore = gatewayPid();

      const since = log.mark();
      await topology.fault('stop', 'sidecar#1');
      for (let i = 0; i < 5; i++) {
        expect(await meOnBoth(current, alice)).toEqual([
          [503, 'GATEWAY_AUTH_UNAVAILABLE'],
          [200, undefined],
        ]);
      }
      // Public routes need no token check: gateway#1 itself is fine.
      expect((await gateways[0]!.request({ method: 'GET', path: '/auth/.well-known/jwks.json' })).status).toBe(200);
      const degraded = log.named('gateway.auth.degraded', since);
      expect(degraded.map((event) => [event.instanceId, event.data.mode])).toEqual([['gateway#1', 'sidecar']]);
      expect(log.crashed(since)).toEqual([]);
      expect(gatewaysReady(topology)).toBe(true);

      const beforeRestart = log.mark();
      await topology.fault('restart', 'sidecar#1');
      await expect.poll(async () => (await meOnBoth(current, alice))[0]![0] === 200, { timeout: 5000, message: 'gateway#1 to serve again' }).toBeTruthy();
      expect(await meOnBoth(current, alice)).toEqual(servedOnBoth);
      await log.waitForEach('gateway.auth.restored', ['gateway#1'], { since: beforeRestart, timeoutMs: 1000 });
      expect(log.crashed(since)).toEqual([]);
      expect(gatewayPid()).toBe(pidBefore);
    });
  });

  describe('(d) registry restart', () => {
    const lab = useLab('degrade-registry', {});

    it('every instance registers again with the new registry, and requests are served afterwards', async () => {
      const current = lab();
      const { topology, gateways, log } = current;
      const alice = await signUpWithProfile(topology, gateways[0]!, 'Alice');
      const expected = topology.instances().filter((instance) => instance.service !== 'registry').map((instance) => instance.id);
      expect(expected).toEqual(expect.arrayContaining(['gateway#1', 'gateway#2', 'sidecar#1', 'sidecar#2', 'lb#1', 'bus#1', 'cache#1', 'auth#1', 'profile#1', 'profile#2', 'sms#1']));
      const allListed = async () => {
        const listed = await catalogInstanceIds(topology);
        return expected.every((id) => listed.has(id));
      };
      await expect.poll(allListed, { timeout: 5000, message: 'every instance in the catalog before the restart' }).toBeTruthy();

      const since = log.mark();
      const before = topology.instances().find((instance) => instance.id === 'registry#1')!;
      // Requests keep flowing on both gateways while the registry restarts and refills: discovery
      // clients keep the instances the new registry does not list yet, so none of them fails.
      let hammering = true;
      const failures: unknown[] = [];
      const hammer = (async () => {
        while (hammering) {
          const answers = await meOnBoth(current, alice);
          if (JSON.stringify(answers) !== JSON.stringify(servedOnBoth)) failures.push(answers);
        }
      })();
      await topology.fault('restart', 'registry#1');
      expect(topology.instances().find((instance) => instance.id === 'registry#1')!.pid).not.toBe(before.pid);
      await expect.poll(allListed, { timeout: 5000, message: 'every instance registered again with the restarted registry' }).toBeTruthy();
      const refilledAt = Date.now();
      await expect.poll(() => Date.now() - refilledAt > topology.timings.catalogRefreshMs, { timeout: 2 * topology.timings.catalogRefreshMs }).toBeTruthy();
      hammering = false;
      await hammer;
      expect(failures).toEqual([]);

      for (let i = 0; i < 5; i++) expect(await meOnBoth(current, alice)).toEqual(servedOnBoth);
      // The route table is back: a whole new sign-up (auth → sms inside) goes through, on the other gateway too.
      const bob = await signUp(topology, gateways[1]!);
      expect((await gateways[1]!.request({ method: 'GET', path: '/auth/me', token: bob.accessToken })).status).toBe(200);
      // The lb resolves from the restarted registry as well.
      await topology.setModes({ discovery: 'server' });
      for (let i = 0; i < 5; i++) expect(await meOnBoth(current, alice)).toEqual(servedOnBoth);
      expect(log.crashed(since)).toEqual([]);
    });
  });

  // A restarted bus counts seqs from 1 again: the revocation auth's outbox republishes there
  // as seq 1, the seq a gateway already reached before the outage. The bus's epoch tells the
  // subscriber its seqs began again, so it replays from 1 instead of skipping it.
  describe('(e) local auth after a bus restart, with a revocation published before the outage', () => {
    const lab = useLab('degrade-local-replay', { auth: 'local' });

    it('keeps refusing a token logged out while the bus was down after the restarted bus settles', async () => {
      const current = lab();
      const { topology, gateways, log } = current;
      const startedAt = Date.now();
      const carol = await signUpWithProfile(topology, gateways[0]!, 'Carol');
      await logOut(gateways[0]!, carol);
      await expect.poll(async () => (await meOnBoth(current, carol)).every(([status]) => status === 401), { timeout: 1000, message: 'carol refused: token.revoked seq 1 reached both gateways' }).toBeTruthy();
      // A JWT's iat is in whole seconds: bob's must be later than the gateways' first bus connection.
      await expect.poll(() => Date.now() - startedAt > 1100).toBeTruthy();
      const bob = await signUpWithProfile(topology, gateways[0]!, 'Bob');
      expect(await meOnBoth(current, bob)).toEqual(servedOnBoth);

      const since = log.mark();
      await topology.fault('stop', 'bus#1');
      await log.waitForEach('gateway.auth.degraded', bothGateways, { since, timeoutMs: 3000 });
      await logOut(gateways[0]!, bob);
      await expect.poll(async () => (await meOnBoth(current, bob)).every(([status]) => status === 401), { timeout: 3000, message: 'bob refused while the bus is down' }).toBeTruthy();
      const beforeRestart = log.mark();
      await topology.fault('restart', 'bus#1');
      await log.waitForEach('gateway.auth.restored', bothGateways, { since: beforeRestart, timeoutMs: 8000 });

      // Past the feed's 3 s settle period, until the first wrong answer.
      const restoredAt = Date.now();
      let answers = await meOnBoth(current, bob);
      while (Date.now() - restoredAt < 4500 && answers.every(([status]) => status === 401)) answers = await meOnBoth(current, bob);
      expect(answers).toEqual(refusedOnBoth);
    });
  });
});
