import { defineScenario } from '@topolab/runtime/dsl';
import { waitForCatalog } from './support/instances.js';
import { describeFailures, withLoad } from './support/load.js';

/**
 * The seed's worry about the service mapper being one more thing that can fail. The registry
 * restarts empty; every instance's next heartbeat gets 404 and it registers again, while the
 * gateways keep routing from the copy of the catalog they already hold.
 */
export default defineScenario({
  name: 'registry-restart',
  summary: 'Restart the registry under traffic: it comes back empty, every instance registers again by itself, and no request fails meanwhile.',
  async run(ctx) {
    const user = await ctx.step('a user with a profile', async () => {
      const signedUp = await ctx.users.signUp({ firstName: 'Leslie' });
      ctx.expect(await ctx.gateway.post('/profile', { displayName: 'Leslie L.' }, { token: signedUp.accessToken })).toHaveStatus(201);
      return signedUp;
    });
    const everyone = ctx.topology
      .instances()
      .filter((instance) => instance.registers)
      .map((instance) => instance.id);
    const allListed = (ids: readonly string[]) => everyone.every((id) => ids.includes(id));

    await ctx.step('every instance is in the registry’s catalog', async () => {
      await waitForCatalog(ctx, undefined, allListed, 'every instance in the catalog');
      ctx.note(`${everyone.length} instances: ${everyone.join(', ')}`);
    });

    const readProfile = () => ctx.gateway.request({ method: 'GET', path: '/profile/me', token: user.accessToken, timeoutMs: 5000 });
    await withLoad(ctx, readProfile, { intervalMs: 10 }, async (load) => {
      const restartedAt = await ctx.step('under a stream of GETs, the registry restarts (stop, start: its memory is gone)', async () => {
        await ctx.waitFor(() => load.samples.length >= 10, { timeout: 2000, message: 'the stream to get going' });
        await ctx.topology.restart('registry#1');
        return Date.now();
      });

      await ctx.step('every instance registers again by itself', async () => {
        await waitForCatalog(ctx, undefined, allListed, 'every instance to register with the new registry', 5000);
        const refillMs = Date.now() - restartedAt;
        ctx.measure('refill', refillMs, 'ms');
        ctx.note(`all ${everyone.length} back ${refillMs} ms after the new registry was ready: a heartbeat answered 404, so each registered again`);
      });

      await ctx.step('traffic kept flowing: no request failed', async () => {
        const refilledAt = Date.now();
        await ctx.waitFor(() => load.samples.filter((sample) => sample.sentAt > refilledAt).length >= 20, { timeout: 3000, message: '20 more requests after the refill' });
        const report = await load.stop();
        ctx.expect(await ctx.gateway.get('/profile/me', { token: user.accessToken })).toHaveStatus(200);
        ctx.measure('failed requests', report.failed.length, 'requests');
        ctx.note(`${report.samples.length} requests, failed: ${describeFailures(report.failed)}; the gateway routed from its cached catalog while the registry was away`);
        ctx.expect(report.failed).toHaveLength(0);
      });
    });

    await ctx.step('the new registry routes new work: a whole sign-up (auth → sms) goes through', async () => {
      const newcomer = await ctx.users.signUp({ firstName: 'Barbara' });
      ctx.expect(await ctx.gateway.get('/auth/me', { token: newcomer.accessToken })).toHaveStatus(200);
    });
  },
});
