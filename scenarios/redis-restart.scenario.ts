import { defineScenario, type ScenarioContext, type ScenarioGateway } from '@topolab/runtime/dsl';
import { describeFailures, withLoad } from './support/load.js';

/** The instance ids an answer passed through (waits for its spans). */
async function servedBy(ctx: ScenarioContext, response: { traceId: string; spanId: string }): Promise<string[]> {
  return (await ctx.hops(response)).map((hop) => hop.instanceId);
}

/** Status of `GET /profile/me` with `token` on every gateway. */
async function statusesOf(ctx: ScenarioContext, token: string): Promise<number[]> {
  return Promise.all(ctx.gateways.map(async (gateway: ScenarioGateway) => (await gateway.get('/profile/me', { token })).status));
}

/**
 * The seed's global cache is "Redis or Memcached": one more part that can fail. In `global`
 * mode every gateway asks Redis about every token; while Redis is gone they ask auth instead
 * (one hop more, auth's load), and auth keeps what it failed to write in its outbox. Redis
 * comes back empty (no persistence): each token is introspected once more and cached again.
 */
export default defineScenario({
  name: 'redis-restart',
  summary: 'Stop and restart a real Redis under traffic in global auth mode: the gateways fall back to auth, a logout during the outage is refused everywhere, and the cache fills again once Redis is back.',
  topology: { backends: { cache: 'redis', bus: 'redis' }, replicas: { gateway: 2 } },
  modes: { auth: ['global'] },
  async run(ctx) {
    const [ada, carol] = await ctx.step('Ada and Carol sign up; a read of Ada’s profile is checked in Redis, auth is not asked', async () => {
      const users = [await ctx.users.signUp({ firstName: 'Ada' }), await ctx.users.signUp({ firstName: 'Carol' })] as const;
      ctx.expect(await ctx.gateway.post('/profile', { displayName: 'Ada L.' }, { token: users[0].accessToken })).toHaveStatus(201);
      const read = await ctx.gateway.get('/profile/me', { token: users[0].accessToken });
      ctx.expect(read).toHaveStatus(200);
      const hops = await servedBy(ctx, read);
      ctx.expect(hops).toContain('redis#1');
      ctx.expect(hops).not.toContain('auth#1');
      ctx.note(`${hops.join(' → ')}: auth wrote the token state to Redis at login; the gateway found it there`);
      return users;
    });

    const readAda = () => ctx.gateway.request({ method: 'GET', path: '/profile/me', token: ada.accessToken, timeoutMs: 5000 });
    await withLoad(ctx, readAda, { intervalMs: 10 }, async (load) => {
      const stoppedAt = await ctx.step('under a stream of reads, Redis stops: the gateways ask auth instead', async () => {
        await ctx.waitFor(() => load.samples.length >= 10, { timeout: 2000, message: 'the stream to get going' });
        await ctx.topology.fault('stop', 'redis#1');
        const at = Date.now();
        const fallback = await ctx.waitFor(
          async () => {
            const read = await ctx.gateway.get('/profile/me', { token: ada.accessToken });
            const hops = await servedBy(ctx, read);
            return read.status === 200 && hops.includes('auth#1') ? hops : undefined;
          },
          { timeout: 3000, message: 'a read answered by asking auth' },
        );
        ctx.note(`${fallback.join(' → ')}: the cache does not answer, so auth decides (gateway.auth.degraded); a verdict is never guessed`);
        return at;
      });

      await ctx.step('during the outage Carol logs out: both gateways refuse her token at once', async () => {
        ctx.expect(await ctx.gateway.post('/auth/logout', { refreshToken: carol.refreshToken }, { token: carol.accessToken })).toHaveStatus(204);
        ctx.expect(await statusesOf(ctx, carol.accessToken)).toEqual([401, 401]);
        ctx.note('auth committed the logout and could not write Redis: the write waits in its outbox, and introspection already knows');
      });

      await ctx.step('Redis starts again, empty: reads are cached again after one introspection each', async () => {
        await ctx.topology.restart('redis#1');
        const hops = await ctx.waitFor(
          async () => {
            const read = await ctx.gateway.get('/profile/me', { token: ada.accessToken });
            const served = await servedBy(ctx, read);
            return read.status === 200 && served.includes('redis#1') && !served.includes('auth#1') ? served : undefined;
          },
          { timeout: 5000, message: 'a read answered from Redis again' },
        );
        const recoveredMs = Date.now() - stoppedAt;
        ctx.measure('outage until reads hit Redis again', recoveredMs, 'ms');
        ctx.note(`${hops.join(' → ')}: ${recoveredMs} ms after Redis stopped, the cache answers again (auth wrote the state back when it answered the introspection: the gateways may only read Redis)`);
      });

      await ctx.step('no revoked token was accepted, and the stream never failed', async () => {
        ctx.expect(await statusesOf(ctx, carol.accessToken)).toEqual([401, 401]);
        // Auth's outbox delivers the revocation it could not write; after that Redis itself refuses the token.
        await ctx.waitFor(async () => {
          const probe = await ctx.gateways[1]!.get('/profile/me', { token: carol.accessToken });
          const served = await servedBy(ctx, probe);
          return probe.status === 401 && served.includes('redis#1') && !served.includes('auth#1');
        }, { timeout: 5000, message: 'the revocation in Redis (auth’s outbox retried it)' });
        const report = await load.stop();
        ctx.measure('failed requests', report.failed.length, 'requests');
        ctx.note(`${report.samples.length} reads across the outage, failed: ${describeFailures(report.failed)}`);
        ctx.expect(report.failed).toHaveLength(0);
      });
    });
  },
});
