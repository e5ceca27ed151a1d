import { describe, expect, it } from 'vitest';
import { alice, enableTotp, registerVerified, startAuthReplicas } from '#test-support/auth.js';
import { totpCode } from './totp.js';

describe('two auth instances over one database', () => {
  it('share users, codes, the signing key and revocations', async () => {
    const { one, two } = await startAuthReplicas();
    expect(two.tokens.kid).toBe(one.tokens.kid);

    expect((await one.request('POST', '/auth/register', alice)).status).toBe(201);
    expect((await two.request('POST', '/auth/register', alice)).body.error.code).toBe('AUTH_USERNAME_TAKEN');
    expect((await two.request('POST', '/auth/verify', { username: 'alice', code: one.sms.lastCode(alice.phone) })).status).toBe(200);

    expect((await two.request('POST', '/auth/login', { username: 'alice', password: alice.password })).status).toBe(202);
    const pair = await one.request('POST', '/auth/login/verify', { username: 'alice', code: two.sms.lastCode(alice.phone) });
    expect(pair.status).toBe(200);
    expect((await two.request('POST', '/auth/introspect', { token: pair.body.accessToken })).body.active).toBe(true);

    const rotated = await two.request('POST', '/auth/refresh', { refreshToken: pair.body.refreshToken });
    expect(rotated.status).toBe(200);
    expect((await one.request('POST', '/auth/refresh', { refreshToken: pair.body.refreshToken })).body.error.code).toBe('AUTH_REFRESH_REUSED');
    expect((await two.request('POST', '/auth/introspect', { token: rotated.body.accessToken })).body.active).toBe(false);
  });

  it('let exactly one of two simultaneous code checks win', async () => {
    const { one, two } = await startAuthReplicas();
    await one.request('POST', '/auth/register', alice);
    await one.request('POST', '/auth/verify', { username: 'alice', code: one.sms.lastCode(alice.phone) });
    await one.request('POST', '/auth/login', { username: 'alice', password: alice.password });
    const code = one.sms.lastCode(alice.phone);
    const answers = await Promise.all([
      one.request('POST', '/auth/login/verify', { username: 'alice', code }),
      two.request('POST', '/auth/login/verify', { username: 'alice', code }),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
    expect(answers.find((answer) => answer.status === 401)?.body.error.code).toBe('AUTH_OTP_USED');
  });

  it('let exactly one of two simultaneous logins with one authenticator code win, and refuse it later on either', async () => {
    const { one, two } = await startAuthReplicas();
    const secret = await enableTotp(one, await registerVerified(one));
    one.clock.advance(30_000);
    const code = totpCode(secret, one.clock.now());
    expect((await two.request('POST', '/auth/login', { username: 'alice', password: alice.password })).body).toEqual({ challenge: 'totp' });
    const answers = await Promise.all([
      one.request('POST', '/auth/login/verify', { username: 'alice', code }),
      two.request('POST', '/auth/login/verify', { username: 'alice', code }),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);

    await one.request('POST', '/auth/login', { username: 'alice', password: alice.password });
    const replay = await two.request('POST', '/auth/login/verify', { username: 'alice', code });
    expect([replay.status, replay.body.error.code]).toEqual([401, 'AUTH_TOTP_REUSED']);
  });
});
