import { describe, expect, it, vi } from 'vitest';
import { lockDelayMs, loginThrottlePolicy } from './login-throttle.js';
import { verifyDummyPassword, verifyPassword } from './passwords.js';
import { alice, logIn, registerVerified, startAuthReplicas, startTestAuth, type TestAuth } from '#test-support/auth.js';
import { totpCode } from './totp.js';
import { closeAfterTest } from '#test-support/kit.js';

// The unit lane shares modules between the files a worker runs (isolate: false): a file that
// mocks a module starts from fresh ones, or modules another file loaded would keep the real one.
vi.hoisted(() => vi.resetModules());

// Spies that still hash: a throttled attempt must not reach either.
vi.mock('./passwords.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./passwords.js')>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword), verifyDummyPassword: vi.fn(actual.verifyDummyPassword) };
});

function start(): Promise<TestAuth> {
  return closeAfterTest(startTestAuth());
}

const wrongPassword = 'Wrong-pass-99';
const login = (auth: TestAuth, password = wrongPassword, username = 'alice') => auth.request('POST', '/auth/login', { username, password });
const scrypts = () => vi.mocked(verifyPassword).mock.calls.length + vi.mocked(verifyDummyPassword).mock.calls.length;

async function fail(auth: TestAuth, times: number, username = 'alice'): Promise<void> {
  for (let i = 0; i < times; i++) {
    const res = await login(auth, wrongPassword, username);
    if (res.status !== 401) throw new Error(`failure ${i + 1} answered ${res.status}: ${res.text}`);
  }
}

/** A 6-digit code that none of the steps around `now` has. */
function unlike(secret: string, now: number): string {
  const near = [-1, 0, 1].map((offset) => totpCode(secret, now + offset * 30_000));
  let n = 0;
  while (near.includes(String(n).padStart(6, '0'))) n++;
  return String(n).padStart(6, '0');
}

function expectThrottled(res: { status: number; headers: Headers; body: any }, retryAfterS: number): void {
  expect([res.status, res.body.error.code, res.headers.get('retry-after')]).toEqual([429, 'AUTH_LOGIN_THROTTLED', String(retryAfterS)]);
}

describe('the throttle rule', () => {
  it('lets 5 failures go free, then locks 1 s doubling per failure up to 15 minutes', () => {
    expect([1, 2, 3, 4, 5].map(lockDelayMs)).toEqual([0, 0, 0, 0, 0]);
    expect([6, 7, 8, 9].map(lockDelayMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(lockDelayMs(15)).toBe(512_000);
    expect([16, 17, 100, 10_000].map(lockDelayMs)).toEqual(Array(4).fill(15 * 60_000));
  });
});

describe('throttling failed logins per account', () => {
  it('locks the account after 5 free failures and answers 429 with Retry-After before checking the password', async () => {
    const auth = await start();
    await registerVerified(auth);
    await fail(auth, 6);
    const before = scrypts();
    // Even the right password is not looked at while locked.
    expectThrottled(await login(auth, alice.password), 1);
    expect(scrypts()).toBe(before);

    auth.clock.advance(1000);
    await fail(auth, 1);
    expectThrottled(await login(auth), 2);
    auth.clock.advance(1999);
    expectThrottled(await login(auth), 1);
    auth.clock.advance(1);
    await fail(auth, 1);
    expectThrottled(await login(auth), 4);
  });

  it('does not count throttled attempts', async () => {
    const auth = await start();
    await registerVerified(auth);
    await fail(auth, 6);
    for (let i = 0; i < 5; i++) expectThrottled(await login(auth), 1);
    expect(auth.store.throttle.state('alice', auth.clock.now())?.failures).toBe(6);
    auth.clock.advance(1000);
    await fail(auth, 1);
    expectThrottled(await login(auth), 2);
  });

  it('locks for at most 15 minutes', async () => {
    const auth = await start();
    for (let failures = 1; failures <= 20; failures++) {
      auth.clock.advance(lockDelayMs(failures - 1));
      auth.store.throttle.attempt('alice', auth.clock.now());
    }
    expect(auth.store.throttle.state('alice', auth.clock.now())).toMatchObject({ failures: 20, lockedUntil: auth.clock.now() + 15 * 60_000 });
    expectThrottled(await login(auth), 900);
  });

  it('resets the count on a completed login', async () => {
    const auth = await start();
    await registerVerified(auth);
    await fail(auth, 5);
    await logIn(auth);
    expect(auth.store.throttle.state('alice', auth.clock.now())).toBeUndefined();
    await fail(auth, 6);
    expectThrottled(await login(auth), 1);
  });

  it('throttles a name without an account exactly like one with, in any case', async () => {
    const auth = await start();
    await registerVerified(auth);
    await fail(auth, 6, 'alice');
    await fail(auth, 3, 'nobody');
    await fail(auth, 3, 'NoBody');
    const known = await login(auth, wrongPassword, 'alice');
    const unknown = await login(auth, wrongPassword, 'nobody');
    expectThrottled(unknown, 1);
    expect([unknown.text, unknown.headers.get('retry-after')]).toEqual([known.text, known.headers.get('retry-after')]);
  });

  it('forgets the failures 24 hours after the last one', async () => {
    const auth = await start();
    await registerVerified(auth);
    await fail(auth, 6);
    auth.clock.advance(loginThrottlePolicy.forgetAfterMs);
    expect(auth.store.throttle.state('alice', auth.clock.now())).toBeUndefined();
    await fail(auth, 5);
    expect((await login(auth)).status).toBe(401);
  });

  it('takes a right password as no failure, so a second factor is still needed to reset', async () => {
    const auth = await start();
    await registerVerified(auth);
    await fail(auth, 4);
    for (let i = 0; i < 3; i++) expect((await login(auth, alice.password)).status).toBe(202);
    expect(auth.store.throttle.state('alice', auth.clock.now())?.failures).toBe(4);
  });

  it('counts wrong texted codes at /auth/login/verify', async () => {
    const auth = await start();
    await registerVerified(auth);
    expect((await login(auth, alice.password)).status).toBe(202);
    const code = auth.sms.lastCode(alice.phone);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 6; i++) expect((await auth.request('POST', '/auth/login/verify', { username: 'alice', code: wrong })).status).toBe(401);
    expectThrottled(await auth.request('POST', '/auth/login/verify', { username: 'alice', code }), 1);
    expectThrottled(await login(auth, alice.password), 1);
  });

  it('counts wrong authenticator codes at /auth/login/verify and /auth/totp/confirm', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const { secret } = (await auth.request('POST', '/auth/totp/enroll', { password: alice.password }, await auth.asUser(userId))).body;
    const wrong = unlike(secret, auth.clock.now());
    for (let i = 0; i < 3; i++) expect((await auth.request('POST', '/auth/totp/confirm', { code: wrong, password: alice.password }, await auth.asUser(userId))).status).toBe(401);
    expect(auth.store.throttle.state('alice', auth.clock.now())?.failures).toBe(3);
    await auth.request('POST', '/auth/totp/confirm', { code: totpCode(secret, auth.clock.now()), password: alice.password }, await auth.asUser(userId));
    expect(auth.store.throttle.state('alice', auth.clock.now())).toBeUndefined();

    auth.clock.advance(30_000);
    await login(auth, alice.password);
    const notACode = unlike(secret, auth.clock.now());
    for (let i = 0; i < 6; i++) expect((await auth.request('POST', '/auth/login/verify', { username: 'alice', code: notACode })).status).toBe(401);
    const right = await auth.request('POST', '/auth/login/verify', { username: 'alice', code: totpCode(secret, auth.clock.now()) });
    expectThrottled(right, 1);
    auth.clock.advance(1000);
    expect((await auth.request('POST', '/auth/login/verify', { username: 'alice', code: totpCode(secret, auth.clock.now()) })).status).toBe(200);
  });

  it('counts wrong passwords at DELETE /auth/me, for the same account', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    await fail(auth, 3);
    for (let i = 0; i < 3; i++) {
      expect((await auth.request('DELETE', '/auth/me', { password: wrongPassword }, await auth.asUser(userId))).body.error.code).toBe('AUTH_PASSWORD_WRONG');
    }
    const before = scrypts();
    expectThrottled(await auth.request('DELETE', '/auth/me', { password: alice.password }, await auth.asUser(userId)), 1);
    expect(scrypts()).toBe(before);
    expect(auth.store.userById(userId)).toBeDefined();
  });

  it('lets only one of several simultaneous attempts past the free failures try', async () => {
    const auth = await start();
    await registerVerified(auth);
    await fail(auth, 5);
    const answers = await Promise.all(Array.from({ length: 5 }, () => login(auth)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([401, 429, 429, 429, 429]);
  });

  it('is shared by every instance over one database', async () => {
    const { one, two } = await startAuthReplicas();
    await registerVerified(one);
    await fail(one, 6);
    expectThrottled(await login(two, alice.password), 1);
  });
});
