import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientSecretFor } from '../contract/service-auth.js';
import { basicCredentials } from '../contract/service-token-source.js';
import { testClientKey } from '#test-support/kit-service-auth.js';
import { alice, logIn, registerVerified, startTestAuth, type TestAuth } from '#test-support/auth.js';

// RFC 6749 §4.4 (client credentials grant), §2.3.1 (HTTP Basic client authentication),
// §5.1 (successful response), §5.2 (error response); RFC 6750 §3 (Bearer challenges).
describe('the client-credentials grant (POST /auth/oauth/token)', () => {
  let auth: TestAuth;
  beforeEach(async () => {
    auth = await startTestAuth();
  });
  afterEach(() => auth.close());

  const basic = (clientId: string, secret = clientSecretFor(testClientKey, clientId)) => basicCredentials(clientId, secret);
  const ask = (form: Record<string, string>, authorization?: string) =>
    auth.request('POST', '/auth/oauth/token', new URLSearchParams(form).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    });

  it('issues a short-lived JWT for one audience with the granted scope, never cached by a proxy', async () => {
    const answer = await ask({ grant_type: 'client_credentials', scope: 'auth.users.read' }, basic('mail#1'));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'auth.users.read' });
    const claims = decodeJwt(answer.body.access_token);
    expect(claims).toMatchObject({ iss: 'topolab-auth', aud: 'auth', sub: 'mail#1', client_id: 'mail#1', scope: 'auth.users.read' });
    expect(claims.exp! - claims.iat!).toBe(300);
    // The token opens the internal route it is scoped for.
    const lookup = await auth.request('POST', '/auth/internal/users/lookup', { usernames: ['nobody'] }, { authorization: `Bearer ${answer.body.access_token}` });
    expect(lookup.status).toBe(200);
  });

  it('refuses a wrong secret, another client\'s secret and a missing Basic header with invalid_client and a Basic challenge', async () => {
    for (const authorization of [basic('mail#1', 'x'.repeat(43)), basic('mail#1', clientSecretFor(testClientKey, 'mail#2')), undefined]) {
      const answer = await ask({ grant_type: 'client_credentials', scope: 'auth.users.read' }, authorization);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: 'invalid_client', error_code: 'AUTH_CLIENT_INVALID' });
      expect(answer.headers.get('www-authenticate')).toMatch(/^Basic realm="topolab-auth"/);
    }
  });

  it('refuses another grant type, a scope not granted to the client, and scopes of two audiences', async () => {
    expect((await ask({ grant_type: 'password', scope: 'auth.users.read' }, basic('mail#1'))).body.error).toBe('unsupported_grant_type');
    expect((await ask({ scope: 'auth.users.read' }, basic('mail#1'))).body.error).toBe('invalid_request');
    // mail may look users up, not send SMS; the gateway may introspect, not read the event log.
    expect((await ask({ grant_type: 'client_credentials', scope: 'sms.send' }, basic('mail#1'))).body.error).toBe('invalid_scope');
    expect((await ask({ grant_type: 'client_credentials', scope: 'auth.events.read' }, basic('gateway#1'))).body.error).toBe('invalid_scope');
    expect((await ask({ grant_type: 'client_credentials', scope: 'auth.users.read profile.read' }, basic('graphql#1'))).body.error).toBe('invalid_scope');
    expect((await ask({ grant_type: 'client_credentials', scope: 'auth.nothing' }, basic('mail#1'))).body.error).toBe('invalid_scope');
  });

  it('keeps internal routes shut to no token, a user token, a token of another audience, a missing scope and an expired token', async () => {
    await registerVerified(auth, alice);
    const user = await logIn(auth, alice);
    const lookup = (authorization: string) => auth.request('POST', '/auth/internal/users/lookup', { usernames: ['alice'] }, { authorization });
    expect((await lookup('')).body.error.code).toBe('HTTP_SERVICE_TOKEN_MISSING');
    expect((await lookup(`Bearer ${user.accessToken}`)).body.error.code).toBe('HTTP_SERVICE_TOKEN_INVALID');
    const smsToken = (await ask({ grant_type: 'client_credentials', scope: 'sms.send' }, basic('auth#1'))).body.access_token;
    expect((await lookup(`Bearer ${smsToken}`)).status).toBe(401);
    const introspectOnly = (await ask({ grant_type: 'client_credentials', scope: 'auth.introspect' }, basic('gateway#1'))).body.access_token;
    const forbidden = await lookup(`Bearer ${introspectOnly}`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('HTTP_SERVICE_SCOPE_MISSING');
    const good = (await ask({ grant_type: 'client_credentials', scope: 'auth.users.read' }, basic('mail#1'))).body.access_token;
    expect((await lookup(`Bearer ${good}`)).status).toBe(200);
    auth.clock.advance(301_000);
    expect((await lookup(`Bearer ${good}`)).body.error.code).toBe('HTTP_SERVICE_TOKEN_INVALID');
  });

  it('names the calling client on the server span, and never the token', async () => {
    const good = (await ask({ grant_type: 'client_credentials', scope: 'auth.users.read' }, basic('mail#1'))).body.access_token;
    await auth.request('POST', '/auth/internal/users/lookup', { usernames: [] }, { authorization: `Bearer ${good}` });
    const serialised = JSON.stringify(auth.recorded.messages);
    expect(serialised).toContain('"caller":"mail#1"');
    expect(serialised).not.toContain(good);
    expect(serialised).not.toContain(clientSecretFor(testClientKey, 'mail#1'));
  });
});
