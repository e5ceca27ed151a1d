import { defineScenario } from '@topolab/runtime/dsl';
import { countsSince, describeCounts, requestCounts, waitForCatalog } from './support/instances.js';
import { describeFailures, withLoad } from './support/load.js';

/**
 * The seed's "if one of the boxes crashes": profile runs on three boxes, each heartbeating to
 * the registry. One is killed (SIGKILL, no goodbye) while GETs stream in; the registry notices
 * the missed heartbeats and evicts it, and the gateway retries what hit the dead box meanwhile.
 */
export default defineScenario({
  name: 'heartbeat-failover',
  summary: 'Kill one of three profile instances under a stream of GETs: the registry evicts it after missed heartbeats and no request fails.',
  topology: { replicas: { profile: 3 } },
  async run(ctx) {
    const replicas = ['profile#1', 'profile#2', 'profile#3'];
    const user = await ctx.step('a user with a profile', async () => {
      const signedUp = await ctx.users.signUp({ firstName: 'Margaret' });
      ctx.expect(await ctx.gateway.post('/profile', { displayName: 'Margaret H.' }, { token: signedUp.accessToken })).toHaveStatus(201);
      return signedUp;
    });
    const readProfile = () => ctx.gateway.request({ method: 'GET', path: '/profile/me', token: user.accessToken, timeoutMs: 5000 });

    await ctx.step('three profile instances are registered, each heartbeating', async () => {
      await waitForCatalog(ctx, 'profile', (ids) => replicas.every((id) => ids.includes(id)), 'three profile instances in the catalog');
      const before = requestCounts(ctx, replicas);
      for (let i = 0; i < 6; i++) ctx.expect(await readProfile()).toHaveStatus(200);
      const counts = await ctx.waitFor(() => {
        const since = countsSince(ctx, before);
        return [...since.values()].reduce((sum, n) => sum + n, 0) >= 6 ? since : undefined;
      }, { timeout: 2000, message: 'the six reads counted' });
      ctx.note(`six reads spread over the replicas: ${describeCounts(counts)}`);
      ctx.expect(counts.get('profile#2')).toBeGreaterThan(0);
    });

    await withLoad(ctx, readProfile, { intervalMs: 10 }, async (load) => {
      const killedAt = await ctx.step('a stream of GET /profile/me starts; profile#2 is killed (SIGKILL)', async () => {
        await ctx.waitFor(() => load.samples.length >= 10, { timeout: 2000, message: 'the stream to get going' });
        await ctx.topology.kill('profile#2');
        return Date.now();
      });

      const detectionMs = await ctx.step('the registry notices the missed heartbeats and evicts profile#2', async () => {
        const ids = await waitForCatalog(ctx, 'profile', (listed) => !listed.includes('profile#2'), 'the registry to evict profile#2', 3000);
        const detected = Date.now() - killedAt;
        ctx.expect([...ids].sort()).toEqual(['profile#1', 'profile#3']);
        ctx.measure('detection', detected, 'ms');
        ctx.note(`evicted ${detected} ms after the kill: no heartbeat for three intervals, then the sweeper`);
        return detected;
      });

      await ctx.step('the stream runs on over the survivors; no request failed', async () => {
        const evictedAt = Date.now();
        await ctx.waitFor(() => load.samples.filter((sample) => sample.sentAt > evictedAt).length >= 20, { timeout: 3000, message: '20 more requests after the eviction' });
        const report = await load.stop();
        for (let i = 0; i < 2; i++) ctx.expect(await readProfile()).toHaveStatus(200);
        const duringOutage = report.samples.filter((sample) => sample.sentAt >= killedAt && sample.sentAt <= killedAt + detectionMs).length;
        ctx.measure('requests', report.samples.length, 'requests');
        ctx.measure('failed requests', report.failed.length, 'requests');
        ctx.note(`${report.samples.length} requests, ${duringOutage} of them while profile#2 was dead but still listed; failed: ${describeFailures(report.failed)}`);
        ctx.note(`a GET that met the dead box was refused at connect and retried once on another instance by the ${ctx.modes.discovery === 'client' ? 'gateway' : ctx.backends.lb === 'nginx' ? 'nginx' : 'lb'}, which then skipped profile#2 until the catalog changed`);
        ctx.expect(report.failed).toHaveLength(0);
      });
    });

    await ctx.step('profile#2 restarts and registers again', async () => {
      await ctx.topology.restart('profile#2');
      await waitForCatalog(ctx, 'profile', (ids) => ids.includes('profile#2'), 'profile#2 to register again');
      ctx.expect(await readProfile()).toHaveStatus(200);
    });
  },
});
