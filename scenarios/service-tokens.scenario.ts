import { defineScenario } from '@topolab/runtime/dsl';
import { callDirect } from './support/direct.js';
import { claimsOf } from './support/tokens.js';

/**
 * Seed 004's second kind of authentication: between services. Internal routes are not only
 * unrouted at the gateway; each one refuses a caller without a service token, which instances
 * get from auth with the OAuth 2.0 client-credentials grant (RFC 6749 §4.4).
 */
export default defineScenario({
  name: 'service-tokens',
  // The refusals happen at the services, whatever the gateway's discovery; each auth mode still introspects with a token of its own.
  modes: { discovery: ['client'] },
  summary: 'A process on loopback calling /auth/internal/... or /sms/send directly is refused (401); a user token is not a service token; a registered client gets a scoped token and is let in only within its scopes.',
  async run(ctx) {
    const user = await ctx.step('a verified user exists (its registration texted a code: auth called sms with a service token)', async () => {
      const signedUp = await ctx.users.signUp({ firstName: 'Mallory' });
      ctx.note(`${signedUp.username}: its phone got ${(await ctx.phone.messages(signedUp.phone)).length} message(s) from sms#1`);
      return signedUp;
    });

    await ctx.step('the gateway does not route internal paths at all: 404', async () => {
      const answer = await ctx.gateway.post('/auth/internal/users/lookup', { usernames: [user.username] }, { token: user.accessToken });
      ctx.expect(answer).toHaveStatus(404, 'GATEWAY_ROUTE_NOT_FOUND');
    });

    await ctx.step('a process on loopback calls auth#1 directly at /auth/internal/users/lookup with no token: 401', async () => {
      const answer = await callDirect(ctx, 'auth#1', 'POST', '/auth/internal/users/lookup', { body: { usernames: [user.username] } });
      ctx.expect(answer.status).toBe(401);
      ctx.expect(answer.code).toBe('HTTP_SERVICE_TOKEN_MISSING');
      ctx.expect(answer.challenge ?? '').toMatch(/^Bearer realm="topolab-internal", scope="auth.users.read"/);
      ctx.note(`WWW-Authenticate: ${answer.challenge} (RFC 6750 §3)`);
      ctx.expect(answer.body?.users).toBe(undefined);
    });

    await ctx.step("a user's access token is not a service token: 401 (its audience is topolab, not auth)", async () => {
      const answer = await callDirect(ctx, 'auth#1', 'POST', '/auth/internal/users/lookup', { body: { usernames: [user.username] }, headers: { authorization: `Bearer ${user.accessToken}` } });
      ctx.expect(answer.status).toBe(401);
      ctx.expect(answer.code).toBe('HTTP_SERVICE_TOKEN_INVALID');
    });

    await ctx.step('nobody but auth can text: a direct POST /sms/send is refused and nothing reaches the phone', async () => {
      const before = (await ctx.phone.messages(user.phone)).length;
      const answer = await callDirect(ctx, 'sms#1', 'POST', '/sms/send', { body: { to: user.phone, template: 'reminder', fields: { firstName: user.firstName, message: 'click here' } } });
      ctx.expect(answer.status).toBe(401);
      ctx.expect(answer.code).toBe('HTTP_SERVICE_TOKEN_MISSING');
      ctx.expect((await ctx.phone.messages(user.phone)).length).toBe(before);
    });

    await ctx.step('a guessed client secret gets no token: 401 invalid_client (RFC 6749 §5.2)', async () => {
      const form = new URLSearchParams({ grant_type: 'client_credentials', scope: 'auth.users.read' }).toString();
      const basic = `Basic ${Buffer.from(`mail%231:${'A'.repeat(43)}`).toString('base64')}`;
      const answer = await callDirect(ctx, 'auth#1', 'POST', '/auth/oauth/token', { body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic } });
      ctx.expect(answer.status).toBe(401);
      ctx.expect(answer.body?.error).toBe('invalid_client');
      ctx.expect(answer.challenge ?? '').toMatch(/^Basic realm="topolab-auth"/);
    });

    await ctx.step('the runtime is a registered client too: with its token (scope sms.read) it reads the phone, but cannot text', async () => {
      const token = await ctx.topology.serviceToken('sms');
      const claims = claimsOf(token);
      ctx.expect(claims).toMatchObject({ aud: 'sms', sub: 'control', client_id: 'control' });
      ctx.note(`a JWT for aud=sms, scope "${String(claims.scope)}", valid ${Number(claims.exp) - Number(claims.iat)} s`);
      const read = await callDirect(ctx, 'sms#1', 'GET', `/sms/messages?to=${encodeURIComponent(user.phone)}`, { headers: { authorization: `Bearer ${token}` } });
      ctx.expect(read.status).toBe(200);
      const send = await callDirect(ctx, 'sms#1', 'POST', '/sms/send', {
        body: { to: user.phone, template: 'reminder', fields: { firstName: user.firstName, message: 'hi' } },
        headers: { authorization: `Bearer ${token}` },
      });
      ctx.expect(send.status).toBe(403);
      ctx.expect(send.code).toBe('HTTP_SERVICE_SCOPE_MISSING');
      ctx.note(`403 ${send.code}: ${send.challenge}`);
    });

    await ctx.step("a token for sms is refused by auth: each token names one audience", async () => {
      const token = await ctx.topology.serviceToken('sms');
      const answer = await callDirect(ctx, 'auth#1', 'POST', '/auth/internal/users/lookup', { body: { usernames: [user.username] }, headers: { authorization: `Bearer ${token}` } });
      ctx.expect(answer.status).toBe(401);
      ctx.expect(answer.code).toBe('HTTP_SERVICE_TOKEN_INVALID');
    });
  },
});
