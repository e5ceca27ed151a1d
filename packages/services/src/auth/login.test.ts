import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { hashRefreshToken } from './refresh.js';
import { alice, bob, logIn, registerVerified, startTestAuth, type TestAuth } from '#test-support/auth.js';
import { closeAfterTest } from '#test-support/kit.js';

function start(): Promise<TestAuth> {
  return closeAfterTest(startTestAuth({ accessTokenTtlS: 600, refreshTokenTtlS: 3600 }));
}

const active = async (auth: TestAuth, token: string) => (await auth.request('POST', '/auth/introspect', { token })).body.active as boolean;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('POST /auth/login', () => {
  it('answers the same 401 for an unknown user and a wrong password', async () => {
    const auth = await start();
    await registerVerified(auth);
    const sent = auth.sms.sent.length;
    const unknown = await auth.request('POST', '/auth/login', { username: 'nobody', password: alice.password });
    const wrong = await auth.request('POST', '/auth/login', { username: 'alice', password: 'Wrong-pass-99' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body.error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(wrong.text).toBe(unknown.text);
    expect(auth.sms.sent).toHaveLength(sent);
  });

  it('refuses an unverified user with the right password with 403 AUTH_NOT_VERIFIED', async () => {
    const auth = await start();
    await auth.request('POST', '/auth/register', alice);
    const res = await auth.request('POST', '/auth/login', { username: 'alice', password: alice.password });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('AUTH_NOT_VERIFIED');
    const wrong = await auth.request('POST', '/auth/login', { username: 'alice', password: 'Wrong-pass-99' });
    expect(wrong.body.error.code).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('texts a login code after the password step', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const res = await auth.request('POST', '/auth/login', { username: 'alice', password: alice.password });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ challenge: 'sms' });
    expect(auth.sms.sent.at(-1)).toMatchObject({ template: 'otp', userId, fields: { firstName: 'Alice', purpose: 'login' } });
  });

  it('answers 503 AUTH_SMS_UNAVAILABLE when the login code cannot be sent; resend then works', async () => {
    const auth = await start();
    await registerVerified(auth);
    auth.sms.failing = true;
    const res = await auth.request('POST', '/auth/login', { username: 'alice', password: alice.password });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('AUTH_SMS_UNAVAILABLE');
    auth.sms.failing = false;
    expect((await auth.request('POST', '/auth/resend', { username: 'alice', purpose: 'login' })).status).toBe(202);
    const pair = await auth.request('POST', '/auth/login/verify', { username: 'alice', code: auth.sms.lastCode(alice.phone) });
    expect(pair.status).toBe(200);
  });
});

describe('POST /auth/login/verify', () => {
  it('issues an EdDSA access token and a refresh token, and records the jti', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const pair = await logIn(auth);
    expect(pair).toEqual({ tokenType: 'Bearer', accessToken: expect.any(String), expiresIn: 600, refreshToken: expect.stringMatching(/^[\w-]{43}$/) });
    const claims = decodeJwt(pair.accessToken);
    expect(claims).toMatchObject({ iss: 'topolab-auth', aud: 'topolab', sub: userId, username: 'alice' });
    expect(claims.exp! - claims.iat!).toBe(600);
    expect(auth.store.accessByJti(claims.jti!)).toMatchObject({ userId, revokedAt: null });
    expect(auth.store.refreshByHash(hashRefreshToken(pair.refreshToken))).toMatchObject({ userId, usedAt: null });
    expect(auth.recorded.events()).toContainEqual({ name: 'auth.login', data: { userId } });
  });

  it('refuses the same code twice with AUTH_OTP_USED', async () => {
    const auth = await start();
    await registerVerified(auth);
    await logIn(auth);
    const again = await auth.request('POST', '/auth/login/verify', { username: 'alice', code: auth.sms.lastCode(alice.phone) });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('AUTH_OTP_USED');
  });

  it('follows the code rules: wrong, exhausted, expired, unknown user', async () => {
    const auth = await start();
    await registerVerified(auth);
    await auth.request('POST', '/auth/login', { username: 'alice', password: alice.password });
    const code = auth.sms.lastCode(alice.phone);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++) {
      expect((await auth.request('POST', '/auth/login/verify', { username: 'alice', code: wrong })).body.error.code).toBe('AUTH_OTP_INVALID');
    }
    expect((await auth.request('POST', '/auth/login/verify', { username: 'alice', code })).body.error.code).toBe('AUTH_OTP_EXHAUSTED');

    await auth.request('POST', '/auth/resend', { username: 'alice', purpose: 'login' });
    auth.clock.advance(5 * 60_000);
    const expired = await auth.request('POST', '/auth/login/verify', { username: 'alice', code: auth.sms.lastCode(alice.phone) });
    expect(expired.body.error.code).toBe('AUTH_OTP_EXPIRED');

    const unknown = await auth.request('POST', '/auth/login/verify', { username: 'nobody', code });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('AUTH_OTP_INVALID');
  });

  it('does not accept a registration code as a login code', async () => {
    const auth = await start();
    await auth.request('POST', '/auth/register', alice);
    const code = auth.sms.lastCode(alice.phone);
    const res = await auth.request('POST', '/auth/login/verify', { username: 'alice', code });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_OTP_INVALID');
  });
});

describe('POST /auth/refresh', () => {
  it('rotates: a new pair of the same family, the old refresh token marked used', async () => {
    const auth = await start();
    await registerVerified(auth);
    const first = await logIn(auth);
    const res = await auth.request('POST', '/auth/refresh', { refreshToken: first.refreshToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 600 });
    expect(res.body.refreshToken).not.toBe(first.refreshToken);
    const old = auth.store.refreshByHash(hashRefreshToken(first.refreshToken))!;
    const next = auth.store.refreshByHash(hashRefreshToken(res.body.refreshToken))!;
    expect(old.usedAt).not.toBeNull();
    expect(next.familyId).toBe(old.familyId);
    expect(await active(auth, res.body.accessToken)).toBe(true);
  });

  it('revokes the whole family when a used refresh token comes back', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const first = await logIn(auth);
    const second = (await auth.request('POST', '/auth/refresh', { refreshToken: first.refreshToken })).body;
    const other = await logIn(auth);

    const reused = await auth.request('POST', '/auth/refresh', { refreshToken: first.refreshToken });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('AUTH_REFRESH_REUSED');

    expect(await active(auth, first.accessToken)).toBe(false);
    expect(await active(auth, second.accessToken)).toBe(false);
    const next = await auth.request('POST', '/auth/refresh', { refreshToken: second.refreshToken });
    expect(next.body.error.code).toBe('AUTH_REFRESH_INVALID');
    // Another login of the same user is another family and survives.
    expect(await active(auth, other.accessToken)).toBe(true);
    const family = auth.store.refreshByHash(hashRefreshToken(first.refreshToken))!.familyId;
    expect(auth.recorded.events()).toContainEqual({ name: 'auth.refresh.reused', data: { userId, family } });
  });

  it('refuses unknown and expired refresh tokens with AUTH_REFRESH_INVALID', async () => {
    const auth = await start();
    await registerVerified(auth);
    const pair = await logIn(auth);
    const unknown = await auth.request('POST', '/auth/refresh', { refreshToken: 'A'.repeat(43) });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('AUTH_REFRESH_INVALID');
    auth.clock.advance(3600 * 1000);
    const expired = await auth.request('POST', '/auth/refresh', { refreshToken: pair.refreshToken });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('AUTH_REFRESH_INVALID');
  });

  it('does not take an access token as a refresh token', async () => {
    const auth = await start();
    await registerVerified(auth);
    const pair = await logIn(auth);
    const res = await auth.request('POST', '/auth/refresh', { refreshToken: pair.accessToken.slice(0, 512) });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_REFRESH_INVALID');
  });
});

describe('POST /auth/logout', () => {
  it('revokes the access token and its family', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const pair = await logIn(auth);
    const res = await auth.request('POST', '/auth/logout', undefined, bearer(pair.accessToken));
    expect(res.status).toBe(204);
    expect(await active(auth, pair.accessToken)).toBe(false);
    expect((await auth.request('POST', '/auth/refresh', { refreshToken: pair.refreshToken })).body.error.code).toBe('AUTH_REFRESH_INVALID');
    expect(auth.recorded.events()).toContainEqual({ name: 'auth.logout', data: { userId } });
    const twice = await auth.request('POST', '/auth/logout', undefined, bearer(pair.accessToken));
    expect(twice.body.error.code).toBe('AUTH_TOKEN_INVALID');
  });

  it('also revokes the family of a refresh token of the same user, not of another user', async () => {
    const auth = await start();
    await registerVerified(auth);
    await registerVerified(auth, bob);
    const one = await logIn(auth);
    const two = await logIn(auth);
    const bobs = await logIn(auth, bob);
    const res = await auth.request('POST', '/auth/logout', { refreshToken: two.refreshToken }, bearer(one.accessToken));
    expect(res.status).toBe(204);
    expect(await active(auth, two.accessToken)).toBe(false);
    await auth.request('POST', '/auth/logout', { refreshToken: bobs.refreshToken }, bearer((await logIn(auth)).accessToken));
    expect(await active(auth, bobs.accessToken)).toBe(true);
  });

  it.each([
    ['no header', {}],
    ['garbage', { authorization: 'Bearer not-a-token' }],
    ['a scheme other than Bearer', { authorization: 'Basic YWxpY2U6cGFzcw==' }],
  ])('answers 401 AUTH_TOKEN_INVALID for %s', async (_name, headers) => {
    const auth = await start();
    const res = await auth.request('POST', '/auth/logout', undefined, headers);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_TOKEN_INVALID');
  });

  it('refuses a refresh token presented as the bearer token', async () => {
    const auth = await start();
    await registerVerified(auth);
    const pair = await logIn(auth);
    const res = await auth.request('POST', '/auth/logout', undefined, bearer(pair.refreshToken));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_TOKEN_INVALID');
    expect(await active(auth, pair.accessToken)).toBe(true);
  });
});
