import { defineScenario, type ScenarioContext } from '@topolab/runtime/dsl';
import { askInstance, describeCounts, waitForCatalog } from './support/instances.js';

const replicas = ['profile#1', 'profile#2'];

/**
 * Reads `reads` times and counts which replica served each read, from that answer's own hops
 * (not from counters, which a late span of an earlier read could still move).
 */
async function readBatch(ctx: ScenarioContext, token: string, reads: number): Promise<Map<string, number>> {
  const counts = new Map(replicas.map((id) => [id, 0]));
  for (let i = 0; i < reads; i++) {
    const response = await ctx.gateway.get('/profile/me', { token });
    ctx.expect(response).toHaveStatus(200);
    const served = (await ctx.hops(response)).find((hop) => hop.service === 'profile')?.instanceId ?? 'no profile hop';
    counts.set(served, (counts.get(served) ?? 0) + 1);
  }
  return counts;
}

/**
 * A zombie: the process runs and answers, but has stopped heartbeating (a stuck heartbeat
 * thread, a partitioned health path). To the registry a silent instance is a dead one: it is
 * evicted, and traffic leaves it even though it could still serve.
 */
export default defineScenario({
  name: 'zombie-instance',
  summary: 'A profile instance keeps serving but stops heartbeating: the registry evicts it, traffic moves to the other replica, and it returns once it heartbeats again.',
  async run(ctx) {
    const user = await ctx.step('a user with a profile; both profile replicas take reads', async () => {
      const signedUp = await ctx.users.signUp({ firstName: 'Edsger' });
      ctx.expect(await ctx.gateway.post('/profile', { displayName: 'Edsger D.' }, { token: signedUp.accessToken })).toHaveStatus(201);
      await waitForCatalog(ctx, 'profile', (ids) => replicas.every((id) => ids.includes(id)), 'both profile replicas in the catalog');
      const counts = await readBatch(ctx, signedUp.accessToken, 6);
      ctx.note(`reads: ${describeCounts(counts)}`);
      ctx.expect(counts.get('profile#2')).toBeGreaterThan(0);
      return signedUp;
    });

    const zombieAt = await ctx.step('profile#2 becomes a zombie: it keeps serving, its heartbeats stop', async () => {
      await ctx.topology.zombie('profile#2');
      return Date.now();
    });

    await ctx.step('the registry hears nothing for three intervals and evicts it', async () => {
      await waitForCatalog(ctx, 'profile', (ids) => !ids.includes('profile#2') && ids.includes('profile#1'), 'the registry to evict the zombie', 3000);
      const evictedAfter = Date.now() - zombieAt;
      ctx.measure('eviction', evictedAfter, 'ms');
      ctx.note(`evicted ${evictedAfter} ms after it fell silent`);
    });

    await ctx.step('yet the process is alive and answers when asked directly', async () => {
      const direct = await askInstance(ctx, 'profile#2', '/health');
      ctx.expect(direct.status).toBe(200);
      const view = ctx.topology.instances().find((instance) => instance.id === 'profile#2');
      ctx.expect(view?.state).toBe('ready');
      ctx.note('health is not liveness: the registry only knows what the heartbeats tell it');
    });

    await ctx.step('traffic moves away: profile#1 serves every read', async () => {
      const counts = await ctx.waitFor(
        async () => {
          const batch = await readBatch(ctx, user.accessToken, 6);
          return batch.get('profile#2') === 0 ? batch : undefined;
        },
        { timeout: 3000, message: `a batch of reads that no longer reaches profile#2 (the ${ctx.modes.discovery === 'client' ? 'gateway' : ctx.backends.lb === 'nginx' ? 'nginx' : 'lb'} drops it on the registry's push)` },
      );
      ctx.note(`reads: ${describeCounts(counts)}`);
      const more = await readBatch(ctx, user.accessToken, 10);
      ctx.expect(Object.fromEntries(more)).toEqual({ 'profile#1': 10, 'profile#2': 0 });
    });

    await ctx.step('it heartbeats again: registered anew, and reads reach it again', async () => {
      await ctx.topology.zombie('profile#2', false);
      await waitForCatalog(ctx, 'profile', (ids) => ids.includes('profile#2'), 'profile#2 to register again');
      const counts = await ctx.waitFor(
        async () => {
          const batch = await readBatch(ctx, user.accessToken, 4);
          return (batch.get('profile#2') ?? 0) > 0 ? batch : undefined;
        },
        { timeout: 3000, message: 'reads reaching profile#2 again' },
      );
      ctx.note(`reads: ${describeCounts(counts)}`);
    });
  },
});
