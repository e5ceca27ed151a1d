import { performance } from 'node:perf_hooks';
import { chatCloseCodes, defineScenario, type TopolabError } from '@topolab/runtime/dsl';
import { joinRoom, messageWith, openChat } from './support/chat.js';

/**
 * The README's promise — a revoked token is never accepted more than 1 s after its revocation —
 * holds for a socket too. The gateway checks the token only at the handshake, so in every auth
 * mode the chat instance itself follows `token.revoked` on the bus and closes the socket.
 */
const revocationBoundMs = 1000;

/** How the socket learns of the logout, per auth mode, for the narration. */
const howItTravels: Record<string, string> = {
  remote: 'the gateway asked auth at the handshake; after it, the chat instance follows token.revoked on the bus',
  local: 'the gateway verified the JWT at the handshake; the same token.revoked push that clears its cache reaches the chat instance',
  global: 'the gateway read the global cache at the handshake; the chat instance learns of the logout from token.revoked on the bus',
  sidecar: 'the sidecar vouched for the token at the handshake; the chat instance, like the sidecar, follows token.revoked',
};

/** A logout ends the sockets opened with that session's token within the revocation lag, and no other session's. */
export default defineScenario({
  name: 'chat-revocation',
  summary: 'Log out while a chat socket is open: the chat instance closes it with 4401 within 1 s in every auth mode, and the user’s other session keeps chatting.',
  async run(ctx) {
    const user = await ctx.step('a user signs up and logs in with 2FA', () => ctx.users.signUp({ firstName: 'Joan' }));
    const other = await ctx.step('the same user is logged in on a second device', () => ctx.users.logIn(user));

    const [phone, laptop] = await ctx.step('each device opens a chat socket and joins the lobby', async () => {
      const sockets = [await openChat(ctx, { token: user.accessToken }), await openChat(ctx, { token: other.accessToken })] as const;
      for (const chat of sockets) await joinRoom(chat, 'lobby');
      ctx.note(`phone on ${sockets[0].instanceId}, laptop on ${sockets[1].instanceId}; auth mode ${ctx.modes.auth}: ${howItTravels[ctx.modes.auth] ?? ''}`);
      return sockets;
    });

    await ctx.step(`log out on the phone: its socket is closed with ${chatCloseCodes.sessionEnded} within ${revocationBoundMs} ms`, async () => {
      const closedAt = phone.socket.closed.then((close) => ({ ...close, at: performance.now() }));
      const logout = await ctx.gateway.post('/auth/logout', { refreshToken: user.refreshToken }, { token: user.accessToken });
      ctx.expect(logout).toHaveStatus(204);
      const answeredAt = performance.now();
      const closed = await Promise.race([closedAt, ctx.sleep(revocationBoundMs * 3).then(() => undefined)]);
      ctx.expect(closed).toBeDefined();
      ctx.expect({ code: closed!.code, reason: closed!.reason }).toEqual({ code: chatCloseCodes.sessionEnded, reason: 'token revoked' });
      // 0 when the close arrived before the logout's answer (auth publishes before it answers).
      const lag = Math.max(0, closed!.at - answeredAt);
      ctx.measure('revocation lag', Math.round(lag * 10) / 10, 'ms');
      ctx.note(`closed ${closed!.code} "${closed!.reason}" ${lag.toFixed(1)} ms after the logout was answered`);
      ctx.expect(lag).toBeLessThanOrEqual(revocationBoundMs);
    });

    await ctx.step('the revoked token opens no new socket', async () => {
      const refused = await ctx.waitFor(
        async () => {
          const attempt = await openChat(ctx, { token: user.accessToken }).catch((error: unknown) => error as TopolabError);
          if ('socket' in attempt) {
            await attempt.socket.closed;
            return undefined;
          }
          return attempt;
        },
        { timeout: revocationBoundMs, interval: 50, message: 'a handshake with the revoked token to be refused' },
      );
      // The gateway refuses it (GATEWAY_TOKEN_INVALID); one a step behind the bus lets it through and the chat instance refuses it.
      ctx.expect(refused.details?.status).toBe(401);
      ctx.expect(['GATEWAY_TOKEN_INVALID', 'CHAT_SESSION_ENDED']).toContain(refused.details?.code);
      ctx.note(`refused 401 ${String(refused.details?.code)}`);
    });

    await ctx.step('the laptop’s session is another one: its socket stays open and still chats', async () => {
      laptop.socket.send({ type: 'send', room: 'lobby', text: 'still signed in here' });
      ctx.expect((await messageWith(laptop, 'lobby', 'still signed in here')).via).toBe(laptop.instanceId);
    });
  },
});
