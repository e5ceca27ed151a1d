import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { reauthPolicy } from './reauth.js';
import { alice, asTokenHolder, bob, enableTotp, logIn, registerVerified, startTestAuth, type TestAuth } from '#test-support/auth.js';
import { totpCode } from './totp.js';
import { closeAfterTest } from '#test-support/kit.js';

// Re-authentication before changing how the account logs in: OWASP ASVS 4.0.3 §3.7.1, Ory Kratos'
// privileged sessions; the login time is the access token's auth_time (RFC 9068 §2.2.1, OIDC Core §2).

function start(): Promise<TestAuth> {
  return closeAfterTest(startTestAuth());
}

const step = 30_000;
const wrongPassword = 'Wrong-pass-99';
// Older than the 5 minutes, younger than the access token (900 s in tests).
const oldLogin = 10 * 60_000;
const enroll = (auth: TestAuth, headers: Record<string, string>, body: object = {}) => auth.request('POST', '/auth/totp/enroll', body, headers);
const confirm = (auth: TestAuth, headers: Record<string, string>, body: object) => auth.request('POST', '/auth/totp/confirm', body, headers);
const remove = (auth: TestAuth, headers: Record<string, string>, body: object) => auth.request('DELETE', '/auth/totp', body, headers);
const regenerate = (auth: TestAuth, headers: Record<string, string>, body: object = {}) => auth.request('POST', '/auth/totp/recovery-codes', body, headers);

function expectRefused(res: { status: number; body: any }): void {
  expect([res.status, res.body.error.code]).toEqual([403, 'AUTH_REAUTHENTICATION_REQUIRED']);
}

/** A user logged in (password and SMS code) `ageMs` ago: the headers the gateway sends for their access token. */
async function loggedIn(auth: TestAuth, ageMs: number): Promise<{ userId: string; headers: () => Promise<Record<string, string>>; accessToken: string; refreshToken: string }> {
  const userId = await registerVerified(auth);
  const pair = await logIn(auth);
  auth.clock.advance(ageMs);
  // Asserted anew on the current clock, as the gateway does for each request.
  return { userId, headers: () => asTokenHolder(auth, pair.accessToken), accessToken: pair.accessToken, refreshToken: pair.refreshToken };
}

describe('the auth_time claim (RFC 9068 §2.2.1)', () => {
  it('is the login time, and a refresh keeps it rather than making the login look recent', async () => {
    const auth = await start();
    await registerVerified(auth);
    const loginAtS = Math.floor(auth.clock.now() / 1000);
    const pair = await logIn(auth);
    expect(decodeJwt(pair.accessToken)).toMatchObject({ auth_time: loginAtS, iat: loginAtS });
    auth.clock.advance(10 * 60_000);
    const refreshed = await auth.request('POST', '/auth/refresh', { refreshToken: pair.refreshToken });
    expect(refreshed.status).toBe(200);
    const claims = decodeJwt(refreshed.body.accessToken);
    expect(claims.iat).toBe(loginAtS + 600);
    expect(claims.auth_time).toBe(loginAtS);
  });
});

describe('privileged authenticator changes need the password or a login younger than 5 minutes (OWASP ASVS 4.0.3 §3.7.1)', () => {
  it('refuses enroll, confirm, remove and regenerate with only an access token of an old login: 403 AUTH_REAUTHENTICATION_REQUIRED', async () => {
    const auth = await start();
    const { userId, headers } = await loggedIn(auth, reauthPolicy.maxLoginAgeMs);
    const refused = await enroll(auth, await headers());
    expectRefused(refused);
    expect(refused.body.error.hint).toContain('password');
    expect(auth.store.totp.credential(userId)).toBeUndefined();

    const { secret } = (await enroll(auth, await headers(), { password: alice.password })).body;
    expectRefused(await confirm(auth, await headers(), { code: totpCode(secret, auth.clock.now()) }));
    expect(auth.store.totp.enabled(userId)).toBe(false);
    expect((await confirm(auth, await headers(), { code: totpCode(secret, auth.clock.now()), password: alice.password })).status).toBe(200);

    auth.clock.advance(step);
    expectRefused(await regenerate(auth, await headers()));
    expectRefused(await remove(auth, await headers(), { code: totpCode(secret, auth.clock.now()) }));
    expect(auth.store.totp.enabled(userId)).toBe(true);
    // The refused attempts presented no secret: the throttle counted nothing.
    expect(auth.store.throttle.state('alice', auth.clock.now())).toBeUndefined();
  });

  it('takes the password in the body instead: enroll, confirm, regenerate and remove succeed', async () => {
    const auth = await start();
    const { userId, headers } = await loggedIn(auth, oldLogin);
    const enrolled = await enroll(auth, await headers(), { password: alice.password });
    expect(enrolled.status).toBe(201);
    const { secret } = enrolled.body;
    expect((await confirm(auth, await headers(), { code: totpCode(secret, auth.clock.now()), password: alice.password })).status).toBe(200);
    expect((await regenerate(auth, await headers(), { password: alice.password })).status).toBe(201);
    auth.clock.advance(step);
    expect((await remove(auth, await headers(), { code: totpCode(secret, auth.clock.now()), password: alice.password })).status).toBe(204);
    expect(auth.store.totp.credential(userId)).toBeUndefined();
  });

  it('needs no password within 5 minutes of the login', async () => {
    const auth = await start();
    const { userId, headers } = await loggedIn(auth, 0);
    const { secret } = (await enroll(auth, await headers())).body;
    auth.clock.advance(step);
    expect((await confirm(auth, await headers(), { code: totpCode(secret, auth.clock.now()) })).status).toBe(200);
    auth.clock.advance(step);
    expect((await regenerate(auth, await headers())).status).toBe(201);
    auth.clock.advance(reauthPolicy.maxLoginAgeMs - 2 * step - 1000);
    expect((await remove(auth, await headers(), { code: totpCode(secret, auth.clock.now()) })).status).toBe(204);
    expect(auth.store.totp.credential(userId)).toBeUndefined();
    // Exactly 5 minutes after the login it is no longer recent.
    auth.clock.advance(1000);
    expectRefused(await enroll(auth, await headers()));
  });

  it('a refreshed token of an old login is not a recent login', async () => {
    const auth = await start();
    const { userId, refreshToken } = await loggedIn(auth, reauthPolicy.maxLoginAgeMs);
    const refreshed = await auth.request('POST', '/auth/refresh', { refreshToken });
    expectRefused(await enroll(auth, await asTokenHolder(auth, refreshed.body.accessToken)));
    expect(auth.store.totp.credential(userId)).toBeUndefined();
  });

  it('counts only what auth recorded of the token the gateway vouched for: not an unknown jti, a revoked token, or another user\'s', async () => {
    const auth = await start();
    const { userId, accessToken, headers } = await loggedIn(auth, 0);
    // A gateway-signed assertion for a token auth never issued (a forged or foreign jti).
    expectRefused(await enroll(auth, await auth.asUser(userId)));
    // Bob's fresh login does not make alice's request recent.
    await registerVerified(auth, bob);
    const bobs = decodeJwt((await logIn(auth, bob)).accessToken);
    expectRefused(await enroll(auth, await auth.asUser(userId, { tokenJti: bobs.jti!, tokenExp: bobs.exp! })));
    // A logged-out token's login no longer counts.
    expect((await auth.request('POST', '/auth/logout', {}, { authorization: `Bearer ${accessToken}` })).status).toBe(204);
    expectRefused(await enroll(auth, await headers()));
    expect(auth.store.totp.credential(userId)).toBeUndefined();
  });

  it('a wrong password answers 401 AUTH_PASSWORD_WRONG and counts as a failed login; a locked account answers 429 before the password is checked', async () => {
    const auth = await start();
    const { userId, headers } = await loggedIn(auth, oldLogin);
    const wrong = await enroll(auth, await headers(), { password: wrongPassword });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'AUTH_PASSWORD_WRONG']);
    expect(wrong.text).not.toContain(wrongPassword);
    expect(auth.store.throttle.state('alice', auth.clock.now())?.failures).toBe(1);
    // A right password is no success: the count stays, so codes cannot be guessed on by resending it.
    expect((await enroll(auth, await headers(), { password: alice.password })).status).toBe(201);
    expect(auth.store.throttle.state('alice', auth.clock.now())?.failures).toBe(1);
    for (let i = 0; i < 5; i++) expect((await enroll(auth, await headers(), { password: wrongPassword })).status).toBe(401);
    const locked = await enroll(auth, await headers(), { password: alice.password });
    expect([locked.status, locked.body.error.code, locked.headers.get('retry-after')]).toEqual([429, 'AUTH_LOGIN_THROTTLED', '1']);
    // The same count as /auth/login: the lock holds there too.
    expect((await auth.request('POST', '/auth/login', { username: 'alice', password: alice.password })).status).toBe(429);
    expect(auth.store.totp.enabled(userId)).toBe(false);
  });

  it('a wrong password at confirm or remove is counted before any code is checked', async () => {
    const auth = await start();
    const { userId, headers } = await loggedIn(auth, oldLogin);
    const secret = await enableTotp(auth, userId);
    auth.clock.advance(step);
    const code = totpCode(secret, auth.clock.now());
    const res = await remove(auth, await headers(), { code, password: wrongPassword });
    expect([res.status, res.body.error.code]).toEqual([401, 'AUTH_PASSWORD_WRONG']);
    // The code was not spent: it still removes the authenticator with the right password.
    expect((await remove(auth, await headers(), { code, password: alice.password })).status).toBe(204);
  });
});
