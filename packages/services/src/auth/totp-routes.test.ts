import { describe, expect, it } from 'vitest';
import { grantedScopes, serviceGrants } from '../contract/service-auth.js';
import { alice, bob, enableTotp, registerVerified, startTestAuth, type TestAuth } from '#test-support/auth.js';
import { totpCode, totpStep } from './totp.js';
import { closeAfterTest } from '#test-support/kit.js';

function start(): Promise<TestAuth> {
  return closeAfterTest(startTestAuth());
}

const step = 30_000;
const codeAt = (auth: TestAuth, secret: string, offsetSteps = 0) => totpCode(secret, auth.clock.now() + offsetSteps * step);
const passwordStep = (auth: TestAuth) => auth.request('POST', '/auth/login', { username: 'alice', password: alice.password });
const codeStep = (auth: TestAuth, code: string) => auth.request('POST', '/auth/login/verify', { username: 'alice', code });
const otherThan = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('POST /auth/totp/enroll', () => {
  it('answers 201 with a 160-bit base32 secret and its otpauth URI, not to be cached', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const res = await auth.request('POST', '/auth/totp/enroll', { password: alice.password }, await auth.asUser(userId));
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { secret } = res.body;
    expect(res.body).toEqual({
      secret: expect.stringMatching(/^[A-Z2-7]{32}$/),
      uri: `otpauth://totp/topolab:alice?secret=${secret}&issuer=topolab&algorithm=SHA1&digits=6&period=30`,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
    expect(JSON.stringify(auth.recorded.messages)).not.toContain(secret);
  });

  it('answers 401 HTTP_IDENTITY_UNVERIFIED without a user', async () => {
    const auth = await start();
    const res = await auth.request('POST', '/auth/totp/enroll');
    expect([res.status, res.body.error.code]).toEqual([401, 'HTTP_IDENTITY_UNVERIFIED']);
  });

  it('replaces a pending secret when enrolling again before confirming', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const first = (await auth.request('POST', '/auth/totp/enroll', { password: alice.password }, await auth.asUser(userId))).body.secret;
    const second = (await auth.request('POST', '/auth/totp/enroll', { password: alice.password }, await auth.asUser(userId))).body.secret;
    expect(second).not.toBe(first);
    const stale = await auth.request('POST', '/auth/totp/confirm', { code: codeAt(auth, first), password: alice.password }, await auth.asUser(userId));
    expect([stale.status, stale.body.error.code]).toEqual([401, 'AUTH_TOTP_INVALID']);
    expect((await auth.request('POST', '/auth/totp/confirm', { code: codeAt(auth, second), password: alice.password }, await auth.asUser(userId))).status).toBe(200);
  });

  it('refuses with 409 AUTH_TOTP_ENROLLED once an authenticator is confirmed', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const secret = await enableTotp(auth, userId);
    const again = await auth.request('POST', '/auth/totp/enroll', { password: alice.password }, await auth.asUser(userId));
    expect([again.status, again.body.error.code]).toEqual([409, 'AUTH_TOTP_ENROLLED']);
    expect(auth.store.totp.credential(userId)?.secret).toBe(secret);
  });
});

describe('POST /auth/totp/confirm', () => {
  it('turns the authenticator on with its current code', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const { secret } = (await auth.request('POST', '/auth/totp/enroll', { password: alice.password }, await auth.asUser(userId))).body;
    expect(auth.store.totp.enabled(userId)).toBe(false);
    const res = await auth.request('POST', '/auth/totp/confirm', { code: codeAt(auth, secret), password: alice.password }, await auth.asUser(userId));
    expect([res.status, res.body]).toEqual([200, { enabled: true, recoveryCodes: expect.any(Array) }]);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(auth.store.totp.enabled(userId)).toBe(true);
    expect(auth.recorded.events()).toContainEqual({ name: 'auth.totp.confirmed', data: { userId, recoveryCodes: 10 } });
  });

  it('refuses a wrong code with 401 AUTH_TOTP_INVALID without echoing it', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const { secret } = (await auth.request('POST', '/auth/totp/enroll', { password: alice.password }, await auth.asUser(userId))).body;
    const wrong = otherThan(codeAt(auth, secret));
    const res = await auth.request('POST', '/auth/totp/confirm', { code: wrong, password: alice.password }, await auth.asUser(userId));
    expect([res.status, res.body.error.code]).toEqual([401, 'AUTH_TOTP_INVALID']);
    expect(res.text).not.toContain(wrong);
    expect(auth.store.totp.enabled(userId)).toBe(false);
  });

  it('answers 404 AUTH_TOTP_NOT_ENROLLED without an enrolment and 409 AUTH_TOTP_ENROLLED after confirming', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const none = await auth.request('POST', '/auth/totp/confirm', { code: '123456', password: alice.password }, await auth.asUser(userId));
    expect([none.status, none.body.error.code]).toEqual([404, 'AUTH_TOTP_NOT_ENROLLED']);
    const secret = await enableTotp(auth, userId);
    auth.clock.advance(step);
    const twice = await auth.request('POST', '/auth/totp/confirm', { code: codeAt(auth, secret), password: alice.password }, await auth.asUser(userId));
    expect([twice.status, twice.body.error.code]).toEqual([409, 'AUTH_TOTP_ENROLLED']);
  });

  it('refuses a malformed code with 400', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    await auth.request('POST', '/auth/totp/enroll', { password: alice.password }, await auth.asUser(userId));
    const res = await auth.request('POST', '/auth/totp/confirm', { code: '12345', password: alice.password }, await auth.asUser(userId));
    expect([res.status, res.body.error.code]).toEqual([400, 'HTTP_VALIDATION_FAILED']);
  });
});

describe('login with an authenticator', () => {
  it('asks for the authenticator code instead of texting one, then issues the token pair', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const secret = await enableTotp(auth, userId);
    auth.clock.advance(step);
    const sent = auth.sms.sent.length;
    const challenged = await passwordStep(auth);
    expect([challenged.status, challenged.body]).toEqual([202, { challenge: 'totp' }]);
    expect(auth.sms.sent).toHaveLength(sent);

    const pair = await codeStep(auth, codeAt(auth, secret));
    expect(pair.status).toBe(200);
    expect(pair.body).toEqual({ tokenType: 'Bearer', accessToken: expect.any(String), expiresIn: 900, refreshToken: expect.any(String) });
    expect((await auth.request('POST', '/auth/introspect', { token: pair.body.accessToken })).body).toMatchObject({ active: true, sub: userId });
    expect(auth.recorded.events()).toContainEqual({ name: 'auth.login', data: { userId } });
    expect(auth.sms.sent).toHaveLength(sent);
  });

  it('needs the password step first: AUTH_OTP_INVALID without it, AUTH_LOGIN_CHALLENGE_EXPIRED after 5 minutes, once per step', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const secret = await enableTotp(auth, userId);
    auth.clock.advance(step);
    const without = await codeStep(auth, codeAt(auth, secret));
    expect([without.status, without.body.error.code]).toEqual([401, 'AUTH_OTP_INVALID']);

    await passwordStep(auth);
    auth.clock.advance(5 * 60_000);
    const late = await codeStep(auth, codeAt(auth, secret));
    expect([late.status, late.body.error.code]).toEqual([401, 'AUTH_LOGIN_CHALLENGE_EXPIRED']);

    await passwordStep(auth);
    expect((await codeStep(auth, codeAt(auth, secret))).status).toBe(200);
    auth.clock.advance(step);
    // The challenge is spent: the next code needs a new password step.
    expect((await codeStep(auth, codeAt(auth, secret))).body.error.code).toBe('AUTH_OTP_INVALID');
  });

  it('accepts the codes one step either side of now and refuses two steps away', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const secret = await enableTotp(auth, userId);
    auth.clock.advance(10 * step);
    await passwordStep(auth);
    for (const offset of [-2, 2]) {
      const far = await codeStep(auth, codeAt(auth, secret, offset));
      expect([offset, far.status, far.body.error.code]).toEqual([offset, 401, 'AUTH_TOTP_INVALID']);
    }
    expect((await codeStep(auth, codeAt(auth, secret, -1))).status).toBe(200);
    await passwordStep(auth);
    expect((await codeStep(auth, codeAt(auth, secret, 1))).status).toBe(200);
    expect(auth.store.totp.credential(userId)?.lastStep).toBe(totpStep(auth.clock.now()) + 1);
  });

  it('refuses a code a second time, and any code of an older step, with AUTH_TOTP_REUSED', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const secret = await enableTotp(auth, userId);
    // The confirming code is spent too.
    await passwordStep(auth);
    const confirming = await codeStep(auth, codeAt(auth, secret));
    expect([confirming.status, confirming.body.error.code]).toEqual([401, 'AUTH_TOTP_REUSED']);

    auth.clock.advance(step);
    const code = codeAt(auth, secret);
    expect((await codeStep(auth, code)).status).toBe(200);
    await passwordStep(auth);
    const again = await codeStep(auth, code);
    expect([again.status, again.body.error.code]).toEqual([401, 'AUTH_TOTP_REUSED']);
    expect(again.text).not.toContain(code);
    const older = await codeStep(auth, codeAt(auth, secret, -1));
    expect(older.body.error.code).toBe('AUTH_TOTP_REUSED');
    auth.clock.advance(step);
    expect((await codeStep(auth, codeAt(auth, secret))).status).toBe(200);
  });

  it('no longer takes a texted code that was pending before the authenticator was turned on', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    await passwordStep(auth);
    const texted = auth.sms.lastCode(alice.phone);
    await enableTotp(auth, userId);
    const res = await codeStep(auth, texted);
    expect([res.status, res.body.error.code]).toEqual([401, 'AUTH_OTP_INVALID']);
  });

  it('sends nothing on POST /auth/resend for a login, answering as for an unknown user', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    await enableTotp(auth, userId);
    await passwordStep(auth);
    const sent = auth.sms.sent.length;
    const res = await auth.request('POST', '/auth/resend', { username: 'alice', purpose: 'login' });
    const unknown = await auth.request('POST', '/auth/resend', { username: 'nobody', purpose: 'login' });
    expect([res.status, res.text]).toEqual([202, unknown.text]);
    expect(auth.sms.sent).toHaveLength(sent);
  });

  it('leaves users without an authenticator on the SMS flow', async () => {
    const auth = await start();
    const aliceId = await registerVerified(auth);
    await registerVerified(auth, bob);
    await enableTotp(auth, aliceId);
    const res = await auth.request('POST', '/auth/login', { username: bob.username, password: bob.password });
    expect([res.status, res.body]).toEqual([202, { challenge: 'sms' }]);
    expect((await auth.request('POST', '/auth/login/verify', { username: bob.username, code: auth.sms.lastCode(bob.phone) })).status).toBe(200);
  });
});

describe('DELETE /auth/totp', () => {
  it('turns the authenticator off with a current code; login texts codes again', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const secret = await enableTotp(auth, userId);
    auth.clock.advance(step);
    const wrong = await auth.request('DELETE', '/auth/totp', { code: otherThan(codeAt(auth, secret)), password: alice.password }, await auth.asUser(userId));
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'AUTH_TOTP_INVALID']);
    expect((await auth.request('DELETE', '/auth/totp', { code: codeAt(auth, secret), password: alice.password }, await auth.asUser(userId))).status).toBe(204);
    expect(auth.store.totp.credential(userId)).toBeUndefined();
    expect((await passwordStep(auth)).body).toEqual({ challenge: 'sms' });
    const none = await auth.request('DELETE', '/auth/totp', { code: '123456', password: alice.password }, await auth.asUser(userId));
    expect([none.status, none.body.error.code]).toEqual([404, 'AUTH_TOTP_NOT_ENROLLED']);
  });
});

describe('GET /auth/internal/authenticator/:username', () => {
  it('shows the current code of the stored secret, pending or confirmed, not to be cached', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const { secret } = (await auth.request('POST', '/auth/totp/enroll', { password: alice.password }, await auth.asUser(userId))).body;
    auth.clock.advance(12_000);
    const res = await auth.request('GET', '/auth/internal/authenticator/ALICE');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({ username: 'alice', code: codeAt(auth, secret), step: totpStep(auth.clock.now()), validForS: 18, used: false, lastUsedAt: null });

    expect((await auth.request('POST', '/auth/totp/confirm', { code: res.body.code, password: alice.password }, await auth.asUser(userId))).status).toBe(200);
    auth.clock.advance(step);
    await passwordStep(auth);
    const shown = (await auth.request('GET', '/auth/internal/authenticator/alice')).body.code;
    expect((await codeStep(auth, shown)).status).toBe(200);
    // The app now says its code was used, and when: auth would refuse it as a replay (RFC 6238 §5.2).
    expect((await auth.request('GET', '/auth/internal/authenticator/alice')).body).toMatchObject({ code: shown, used: true, lastUsedAt: auth.clock.now() });
    auth.clock.advance(step);
    expect((await auth.request('GET', '/auth/internal/authenticator/alice')).body).toMatchObject({ used: false });
    const logged = JSON.stringify(auth.recorded.messages);
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain(`"${shown}"`);
  });

  it('puts the simulated clock ?offset steps ahead or behind (-2 to 2), so the window can be shown', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const secret = await enableTotp(auth, userId);
    auth.clock.advance(10 * step);
    const ahead = await auth.request('GET', '/auth/internal/authenticator/alice?offset=2');
    expect(ahead.body).toMatchObject({ code: codeAt(auth, secret, 2), step: totpStep(auth.clock.now()) + 2 });
    expect((await auth.request('GET', '/auth/internal/authenticator/alice?offset=-1')).body.code).toBe(codeAt(auth, secret, -1));
    const tooFar = await auth.request('GET', '/auth/internal/authenticator/alice?offset=3');
    expect([tooFar.status, tooFar.body.error.code]).toEqual([400, 'HTTP_VALIDATION_FAILED']);
  });

  it('answers 404 AUTH_USER_UNKNOWN for an unknown user and AUTH_TOTP_NOT_ENROLLED without an authenticator', async () => {
    const auth = await start();
    await registerVerified(auth);
    const unknown = await auth.request('GET', '/auth/internal/authenticator/nobody');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'AUTH_USER_UNKNOWN']);
    const none = await auth.request('GET', '/auth/internal/authenticator/alice');
    expect([none.status, none.body.error.code]).toEqual([404, 'AUTH_TOTP_NOT_ENROLLED']);
  });

  it('needs the auth.authenticator scope, which only the runtime (control) is granted', async () => {
    const auth = await start();
    const headers = await auth.serviceHeaders('auth', ['auth.users.read', 'auth.events.read']);
    expect((await auth.request('GET', '/auth/internal/authenticator/alice', undefined, headers)).status).toBe(403);
    expect((await auth.request('GET', '/auth/internal/authenticator/alice', undefined, { authorization: '' })).status).toBe(401);
    expect(grantedScopes('control', 'auth')).toContain('auth.authenticator');
    const holders = Object.entries(serviceGrants).filter(([, scopes]) => scopes.includes('auth.authenticator'));
    expect(holders.map(([client]) => client)).toEqual(['control']);
  });
});
