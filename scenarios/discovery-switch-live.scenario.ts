import { defineScenario, type ScenarioContext } from '@topolab/runtime/dsl';
import { lbInstanceOf, requestsServed } from './support/instances.js';
import { describeFailures, withLoad, type Load } from './support/load.js';

/** Waits until `count` requests of the load were sent after `since` (epoch ms). */
function waitForSamples(ctx: ScenarioContext, load: Load, since: number, count: number): Promise<boolean> {
  return ctx.waitFor(() => load.samples.filter((sample) => sample.sentAt > since).length >= count, { timeout: 3000, message: `${count} requests of the stream after the switch` });
}

/** Switches discovery, checks the gateway says so in /health, and measures how long the switch took. */
async function switchDiscovery(ctx: ScenarioContext, discovery: 'client' | 'server'): Promise<number> {
  const started = Date.now();
  const modes = await ctx.topology.setModes({ discovery });
  const tookMs = Date.now() - started;
  ctx.expect(modes.discovery).toBe(discovery);
  const health = await ctx.gateway.get<{ discovery: string; auth: string }>('/health');
  ctx.expect(health.body).toMatchObject({ discovery, auth: ctx.modes.auth });
  ctx.measure(`switch to ${discovery}`, tookMs, 'ms');
  return tookMs;
}

/**
 * The seed's comparison of client-side and server-side discovery, switched on a live system:
 * in `client` the gateway picks a profile instance from its own copy of the registry; in
 * `server` it hands every request to the lb, which picks. One more hop, same answers.
 */
export default defineScenario({
  name: 'discovery-switch-live',
  summary: 'Switch discovery from client to server and back while requests flow: the lb hop appears and disappears, and no request fails.',
  modes: { discovery: ['client'] },
  async run(ctx) {
    const user = await ctx.step('a user with a profile; the gateway starts in client-side discovery', async () => {
      const signedUp = await ctx.users.signUp({ firstName: 'Donald' });
      ctx.expect(await ctx.gateway.post('/profile', { displayName: 'Donald K.' }, { token: signedUp.accessToken })).toHaveStatus(201);
      ctx.expect(ctx.topology.modes().discovery).toBe('client');
      return signedUp;
    });

    // The embedded lb, or nginx with `--lb nginx`.
    const lb = lbInstanceOf(ctx);
    const readProfile = () => ctx.gateway.request({ method: 'GET', path: '/profile/me', token: user.accessToken, timeoutMs: 5000 });
    const readOnce = async () => ctx.expect(await readProfile()).toHaveStatus(200);
    await withLoad(ctx, readProfile, { intervalMs: 10 }, async (load) => {
      await ctx.step('client-side: the gateway picks a profile instance itself, the lb sees nothing', async () => {
        const lbBefore = requestsServed(ctx, lb);
        await readOnce();
        await waitForSamples(ctx, load, Date.now(), 20);
        ctx.expect(requestsServed(ctx, lb)).toBe(lbBefore);
        ctx.note(`the gateway chose the instance from its own copy of the registry; ${lb} served none of the last 20 requests`);
      });

      await ctx.step('switch to server-side discovery while the stream runs: the lb hop appears', async () => {
        const lbBefore = requestsServed(ctx, lb);
        const tookMs = await switchDiscovery(ctx, 'server');
        const switchedAt = Date.now();
        await readOnce();
        await waitForSamples(ctx, load, switchedAt, 20);
        const through = await ctx.waitFor(() => {
          const delta = requestsServed(ctx, lb) - lbBefore;
          return delta >= 20 ? delta : undefined;
        }, { timeout: 2000, message: `the requests after the switch counted on ${lb}` });
        ctx.note(`switched in ${tookMs} ms: the gateway now hands every request to ${lb}, which picks the instance (${through} requests through the lb so far)`);
      });

      await ctx.step('switch back to client-side: the lb hop disappears', async () => {
        const tookMs = await switchDiscovery(ctx, 'client');
        // Requests already in flight finish in the mode they started in; after them the lb is idle.
        await ctx.waitFor(
          async () => {
            const lbBefore = requestsServed(ctx, lb);
            await waitForSamples(ctx, load, Date.now(), 10);
            return requestsServed(ctx, lb) === lbBefore;
          },
          { timeout: 3000, message: '10 requests in a row that did not pass the lb' },
        );
        await readOnce();
        ctx.note(`switched in ${tookMs} ms: the gateway picks again, one hop fewer; 10 requests in a row passed no lb`);
      });

      await ctx.step('the stream never noticed: no request failed', async () => {
        const report = await load.stop();
        ctx.measure('requests', report.samples.length, 'requests');
        ctx.measure('failed requests', report.failed.length, 'requests');
        ctx.note(`${report.samples.length} requests across two live switches, failed: ${describeFailures(report.failed)}`);
        ctx.expect(report.failed).toHaveLength(0);
        ctx.expect(ctx.topology.modes()).toEqual({ discovery: 'client', auth: ctx.modes.auth });
      });
    });
  },
});
