import { defineScenario } from '@topolab/runtime/dsl';
import { claimsOf } from './support/tokens.js';

interface TokenPair {
  readonly tokenType: string;
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly refreshToken: string;
}

/**
 * The seed's login: a password alone never yields a token; the SMS code does, and the token
 * then opens every protected route through the gateway.
 */
export default defineScenario({
  name: 'login-2fa',
  summary: 'Log in with a password and an SMS code; a wrong password sends nothing, the password alone gives no token, and the token opens protected routes.',
  async run(ctx) {
    const user = await ctx.step('a verified user exists (registered and verified with its first SMS code)', async () => {
      const signedUp = await ctx.users.signUp({ firstName: 'Grace' });
      ctx.note(`${signedUp.username}, phone ${signedUp.phone}`);
      return signedUp;
    });

    await ctx.step('a wrong password and an unknown user get the same 401, and no SMS is sent', async () => {
      const before = (await ctx.phone.messages(user.phone)).length;
      const wrong = await ctx.gateway.post('/auth/login', { username: user.username, password: `${user.password}x` });
      ctx.expect(wrong).toHaveStatus(401, 'AUTH_INVALID_CREDENTIALS');
      const unknown = await ctx.gateway.post('/auth/login', { username: `${user.username}-nobody`, password: user.password });
      ctx.expect(unknown).toHaveStatus(401, 'AUTH_INVALID_CREDENTIALS');
      ctx.expect(unknown.body).toEqual(wrong.body);
      ctx.expect((await ctx.phone.messages(user.phone)).length).toBe(before);
      ctx.note('identical answers: an attacker cannot tell which usernames exist');
    });

    const since = Date.now();
    await ctx.step('the right password is only the first factor: 202, a code is texted, no token yet', async () => {
      const login = await ctx.gateway.post<Record<string, unknown>>('/auth/login', { username: user.username, password: user.password });
      ctx.expect(login).toHaveStatus(202);
      ctx.expect(login.body).toEqual({ challenge: 'sms' });
      ctx.expect(login.body.accessToken).toBeUndefined();
    });

    const pair = await ctx.step('the SMS code completes the login: an access token and a refresh token', async () => {
      const code = await ctx.phone.lastCode(user.phone, { since });
      const verified = await ctx.gateway.post<TokenPair>('/auth/login/verify', { username: user.username, code });
      ctx.expect(verified).toHaveStatus(200);
      ctx.expect(verified.body).toMatchObject({ tokenType: 'Bearer' });
      ctx.expect(verified.body.expiresIn).toBeGreaterThan(0);
      ctx.expect(verified.body.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      ctx.expect(verified.body.refreshToken).not.toBe(user.refreshToken);
      const claims = claimsOf(verified.body.accessToken);
      ctx.expect(claims).toMatchObject({ sub: user.userId });
      ctx.expect(typeof claims.jti).toBe('string');
      ctx.note('an EdDSA-signed JWT: sub is the user, jti names this token so it can be revoked alone');
      return verified.body;
    });

    await ctx.step('anyone can fetch the public keys that verify it (JWKS)', async () => {
      const jwks = await ctx.gateway.get<{ keys: { kty: string; crv?: string }[] }>('/auth/.well-known/jwks.json');
      ctx.expect(jwks).toHaveStatus(200);
      ctx.expect(jwks.body.keys.length).toBeGreaterThan(0);
      ctx.expect(jwks.body.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    });

    await ctx.step('the token opens protected routes; the gateway tells auth who is asking', async () => {
      const me = await ctx.gateway.get('/auth/me', { token: pair.accessToken });
      ctx.expect(me).toHaveStatus(200);
      ctx.expect(me.body).toMatchObject({ userId: user.userId, username: user.username, verified: true });
      ctx.note(`auth mode ${ctx.modes.auth}: ${authHopNote(ctx.modes.auth)}`);
    });

    await ctx.step('without a token, or with a forged one, the gateway answers 401 itself', async () => {
      const missing = await ctx.gateway.get('/auth/me');
      ctx.expect(missing).toHaveStatus(401, 'GATEWAY_UNAUTHENTICATED');
      const [header, , signature] = pair.accessToken.split('.');
      const forgedClaims = Buffer.from(JSON.stringify({ ...claimsOf(pair.accessToken), sub: 'someone-else' })).toString('base64url');
      const forged = await ctx.gateway.get('/auth/me', { token: `${header}.${forgedClaims}.${signature}` });
      ctx.expect(forged).toHaveStatus(401, 'GATEWAY_TOKEN_INVALID');
      ctx.note('the signature no longer matches the claims, so the request never reached /auth/me');
    });

    await ctx.step('the first session of the sign-up still works beside the new one', async () => {
      const first = await ctx.gateway.get('/auth/me', { token: user.accessToken });
      ctx.expect(first).toHaveStatus(200);
    });
  },
});

function authHopNote(mode: string): string {
  switch (mode) {
    case 'remote':
      return 'the gateway asked auth about the token (one more hop on every request)';
    case 'local':
      return 'the gateway verified the JWT itself with the JWKS and cached the verdict';
    case 'global':
      return 'the gateway looked the token up in the global cache';
    default:
      return "the gateway asked its own sidecar, which answers from its cache";
  }
}
