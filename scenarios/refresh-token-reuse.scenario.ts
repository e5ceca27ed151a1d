import { defineScenario, type ScenarioContext } from '@topolab/runtime/dsl';

interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
}

/**
 * Probes the gateway with `token` until it is refused (at once in remote and global; local and
 * sidecar learn it from the bus); resolves with the ms from `since` to the send of the first
 * refused probe, 0 when the first probe was refused.
 */
async function refusedAfter(ctx: ScenarioContext, token: string, since: number, what: string): Promise<number> {
  let refusedAt = since;
  await ctx.waitFor(
    async () => {
      const sentAt = Date.now();
      const refused = (await ctx.gateway.get('/auth/me', { token })).status === 401;
      if (refused) refusedAt = sentAt;
      return refused;
    },
    { timeout: 1000, interval: 1, message: `${what} refused by the gateway within 1 s` },
  );
  ctx.expect(await ctx.gateway.get('/auth/me', { token })).toHaveStatus(401, 'GATEWAY_TOKEN_INVALID');
  return Math.max(0, refusedAt - since);
}

/**
 * Refresh tokens rotate: each is good for one exchange. A refresh token presented twice means
 * a copy leaked, and auth cannot tell the thief from the owner — so it revokes the whole
 * family (every token descended from that login) and announces the revocation.
 */
export default defineScenario({
  name: 'refresh-token-reuse',
  summary: 'Refresh tokens rotate on every use; replaying an old one revokes the whole session family on the gateway, while other sessions keep working.',
  async run(ctx) {
    const user = await ctx.step('a user signs up and logs in (session A)', () => ctx.users.signUp({ firstName: 'Alan' }));
    const sessionB = await ctx.step('the same user logs in on a second device (session B)', () => ctx.users.logIn(user));

    const rotated = await ctx.step('session A refreshes: a new pair, and the old refresh token is spent', async () => {
      const answer = await ctx.gateway.post<TokenPair>('/auth/refresh', { refreshToken: user.refreshToken });
      ctx.expect(answer).toHaveStatus(200);
      ctx.expect(answer.body.refreshToken).not.toBe(user.refreshToken);
      ctx.expect(answer.body.accessToken).not.toBe(user.accessToken);
      ctx.expect(await ctx.gateway.get('/auth/me', { token: answer.body.accessToken })).toHaveStatus(200);
      return answer.body;
    });

    await ctx.step('a thief replays the old refresh token: refused, and every access token of family A with it', async () => {
      const replay = await ctx.gateway.post<Partial<TokenPair>>('/auth/refresh', { refreshToken: user.refreshToken });
      const answeredAt = Date.now();
      ctx.expect(replay).toHaveStatus(401, 'AUTH_REFRESH_REUSED');
      ctx.expect(replay.body.accessToken).toBeUndefined();
      ctx.note('auth revoked every token of family A in one transaction, then published token.revoked on the bus');
      const lag = await refusedAfter(ctx, rotated.accessToken, answeredAt, 'the rotated access token');
      await refusedAfter(ctx, user.accessToken, answeredAt, 'the first access token');
      ctx.measure('reuse → refused at the gateway', lag, 'ms');
      ctx.note(
        ctx.modes.auth === 'local' || ctx.modes.auth === 'sidecar'
          ? `refused ${lag} ms after the reuse answer: the revocation travelled by bus to the ${ctx.modes.auth === 'local' ? 'gateway' : 'sidecar'} cache`
          : `refused ${lag} ms after the reuse answer: ${ctx.modes.auth === 'remote' ? 'auth is asked on every request' : 'auth wrote the revocation to the global cache before answering'}`,
      );
    });

    await ctx.step('the legitimate owner’s newer refresh token is dead too: log in again', async () => {
      const next = await ctx.gateway.post('/auth/refresh', { refreshToken: rotated.refreshToken });
      ctx.expect(next).toHaveStatus(401, 'AUTH_REFRESH_INVALID');
    });

    await ctx.step('session B, a different family, is untouched', async () => {
      ctx.expect(await ctx.gateway.get('/auth/me', { token: sessionB.accessToken })).toHaveStatus(200);
      const refreshed = await ctx.gateway.post<TokenPair>('/auth/refresh', { refreshToken: sessionB.refreshToken });
      ctx.expect(refreshed).toHaveStatus(200);
      ctx.expect(await ctx.gateway.get('/auth/me', { token: refreshed.body.accessToken })).toHaveStatus(200);
    });

    await ctx.step('a new 2FA login starts a fresh family', async () => {
      const again = await ctx.users.logIn(user);
      ctx.expect(await ctx.gateway.get('/auth/me', { token: again.accessToken })).toHaveStatus(200);
    });
  },
});
