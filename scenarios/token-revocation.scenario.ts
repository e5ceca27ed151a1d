import { defineScenario } from '@topolab/runtime/dsl';

/** What each auth mode does with a logout, for the narration. */
const howRevocationTravels: Record<string, string> = {
  remote: 'every request asks auth, so the next one is refused: no cache to update, at the cost of a hop each time',
  local: 'each gateway caches verdicts in-process; auth publishes token.revoked and the bus pushes it to every gateway',
  global: 'auth writes the revocation to the global cache before it answers the logout; every gateway reads that cache',
  sidecar: 'each gateway’s sidecar caches verdicts; the bus pushes token.revoked to every sidecar',
};

/**
 * The seed's cache-invalidation problem: once gateways cache who a token belongs to, a logout
 * must reach every gateway. Two gateways, one logout, and the time until each refuses.
 */
export default defineScenario({
  name: 'token-revocation',
  summary: 'Log out through one gateway and watch every gateway refuse the token; measures the revocation lag per gateway.',
  topology: { replicas: { gateway: 2 } },
  async run(ctx) {
    const user = await ctx.step('a user signs up and logs in through gateway#1', () => ctx.users.signUp({ firstName: 'Barbara' }));
    const other = await ctx.step('the same user is also logged in on another device', () => ctx.users.logIn(user, { gateway: ctx.gateways[1]! }));

    await ctx.step('the token works on every gateway (each may now hold a cached verdict)', async () => {
      ctx.expect(ctx.gateways.length).toBe(2);
      for (const gateway of ctx.gateways) ctx.expect(await gateway.get('/auth/me', { token: user.accessToken })).toHaveStatus(200);
      ctx.note(`auth mode ${ctx.modes.auth}: ${howRevocationTravels[ctx.modes.auth] ?? ''}`);
    });

    await ctx.step('log out through gateway#1, then probe every gateway until it refuses the token', async () => {
      const logout = await ctx.gateway.post('/auth/logout', { refreshToken: user.refreshToken }, { token: user.accessToken });
      ctx.expect(logout).toHaveStatus(204);
      const loggedOutAt = Date.now();
      const lags = await Promise.all(
        ctx.gateways.map(async (gateway, i) => {
          let accepted = 0;
          let refusedAt = 0;
          await ctx.waitFor(
            async () => {
              const sentAt = Date.now();
              const probe = await gateway.get('/auth/me', { token: user.accessToken });
              if (probe.status === 200) accepted += 1;
              if (probe.status === 401) refusedAt = sentAt;
              return probe.status === 401;
            },
            // The README's promise: a revoked token is never accepted more than 1 s after its revocation.
            { timeout: 1000, interval: 1, message: `gateway#${i + 1} to refuse the logged-out token within 1 s` },
          );
          // As bench:modes counts it: 0 when the first probe after the logout was already refused.
          return { lag: refusedAt - loggedOutAt, accepted };
        }),
      );
      for (const [i, { lag, accepted }] of lags.entries()) {
        ctx.measure(`revocation lag gateway#${i + 1}`, lag, 'ms');
        ctx.note(`gateway#${i + 1}: refused ${lag} ms after the logout answer${accepted > 0 ? `, accepted ${accepted} time(s) before` : ''}`);
      }
      for (const gateway of ctx.gateways) ctx.expect(await gateway.get('/auth/me', { token: user.accessToken })).toHaveStatus(401, 'GATEWAY_TOKEN_INVALID');
      if (ctx.modes.auth === 'remote' || ctx.modes.auth === 'global') {
        for (const { accepted } of lags) ctx.expect(accepted).toBe(0);
      }
    });

    await ctx.step('the session’s refresh token is revoked too', async () => {
      ctx.expect(await ctx.gateways[1]!.post('/auth/refresh', { refreshToken: user.refreshToken })).toHaveStatus(401, 'AUTH_REFRESH_INVALID');
    });

    await ctx.step('logout ends one session: the other device still works on every gateway', async () => {
      for (const gateway of ctx.gateways) ctx.expect(await gateway.get('/auth/me', { token: other.accessToken })).toHaveStatus(200);
    });
  },
});
