import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { otpPolicy } from './otp.js';
import { authDatabaseFile } from './store.js';
import { alice, bob, logIn, registerVerified, startTestAuth, testPasswordCost, type TestAuthOptions, type TestAuth } from '#test-support/auth.js';
import { closeAfterTest } from '#test-support/kit.js';

function start(options: TestAuthOptions = {}): Promise<TestAuth> {
  return closeAfterTest(startTestAuth({}, options));
}

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('POST /auth/register', () => {
  it('stores an unverified user and texts a registration code', async () => {
    const auth = await start();
    const res = await auth.request('POST', '/auth/register', alice);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ userId: expect.any(String), username: 'alice', verification: 'sms' });
    expect(auth.store.userByName('alice')).toMatchObject({ id: res.body.userId, verified: false, phone: alice.phone, firstName: 'Alice' });
    expect(auth.sms.sent).toEqual([
      expect.objectContaining({
        to: alice.phone,
        template: 'otp',
        userId: res.body.userId,
        fields: { firstName: 'Alice', code: expect.stringMatching(/^\d{6}$/), purpose: 'registration' },
      }),
    ]);
    expect(auth.recorded.events()).toContainEqual({ name: 'auth.registered', data: { userId: res.body.userId } });
  });

  it('keeps an acknowledged registration durable: a fresh connection reads it', async () => {
    const auth = await start();
    const res = await auth.request('POST', '/auth/register', alice);
    expect(res.status).toBe(201);
    const fresh = new Database(join(auth.dir, authDatabaseFile), { readonly: true });
    onTestFinished(() => void fresh.close());
    const row = fresh.prepare('SELECT id, username, verified, password_hash FROM users WHERE username = ?').get('alice') as Record<string, unknown>;
    expect(row).toMatchObject({ id: res.body.userId, username: 'alice', verified: 0 });
    expect(String(row.password_hash)).toMatch(/^scrypt\$/);
    const codes = fresh.prepare('SELECT COUNT(*) FROM otp_codes WHERE user_id = ?').pluck().get(res.body.userId);
    expect(codes).toBe(1);
  });

  // The other auth tests hash at testPasswordCost; this one is auth as main.ts builds it.
  it('hashes at its own cost when given none (scrypt N = 16384, r = 8, p = 1), and logs in with that hash', async () => {
    const auth = await start({ passwordCost: {} });
    await registerVerified(auth, alice);
    expect(auth.store.userByName('alice')!.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    await expect(logIn(auth, alice)).resolves.toMatchObject({ tokenType: 'Bearer' });
    const unknown = await auth.request('POST', '/auth/login', { username: 'nobody', password: alice.password });
    expect(unknown.status).toBe(401);
    const cheap = await start();
    await registerVerified(cheap, bob);
    expect(cheap.store.userByName('bob.smith')!.passwordHash.startsWith(`scrypt$${testPasswordCost.N}$8$1$`)).toBe(true);
  });

  it.each(['07700900123', '+0447700900123', '+44 7700 900123', '+123', '+1234567890123456', 'phone'])(
    'refuses the phone %s with AUTH_PHONE_INVALID',
    async (phone) => {
      const auth = await start();
      const res = await auth.request('POST', '/auth/register', { ...alice, phone });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('AUTH_PHONE_INVALID');
      expect(auth.store.userByName('alice')).toBeUndefined();
      expect(auth.sms.sent).toEqual([]);
    },
  );

  // NIST SP 800-63B-4 §3.1.1.2: refuse short, common, breached and context-specific passwords, say why.
  it.each([
    ['short7', 'This is shorter than 8 characters.'],
    ['password123', 'This is a commonly used password.'],
    ['P@ssw0rd!', 'This is similar to a commonly used password.'],
    ['123456789', 'This is a heavily used password.'],
    ['alice-1234', 'There should not be any personal or page related data.'],
    ['7700900123', 'There should not be any personal or page related data.'],
  ])('refuses the weak password %s with AUTH_PASSWORD_WEAK and says why', async (password, reason) => {
    const auth = await start();
    const res = await auth.request('POST', '/auth/register', { ...alice, password });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('AUTH_PASSWORD_WEAK');
    expect(res.body.error.details).toContainEqual({ path: 'body.password', message: reason });
    expect(res.text).not.toContain(password);
    expect(auth.store.userByName('alice')).toBeUndefined();
  });

  it.each([
    ['a passphrase without digits', 'correct horse battery'],
    ['64 characters', 'lanterns drift over the quiet harbour while seven otters juggle!'],
    ['1000 characters', 'marmalade cobalt vineyard lighthouse umbrella '.repeat(22).slice(0, 1000)],
    ['emoji', '🐴🔋📎🦄🌵🎻🧲🪁'],
    ['non-Latin letters and spaces', 'лошадь батарея скрепка'],
  ])('accepts %s (NIST SP 800-63B-4 §3.1.1.2: no composition rules, all of Unicode)', async (_, password) => {
    const auth = await start();
    const res = await auth.request('POST', '/auth/register', { ...alice, password });
    expect(res.status).toBe(201);
  });

  it.each([
    ['full-width letters', 'ｃｏｒｒｅｃｔ ｈｏｒｓｅ ｂａｔｔｅｒｙ', 'correct horse battery'],
    ['a ligature', 'ﬁsh and chips forever', 'fish and chips forever'],
  ])('lets a password registered with %s log in in its NFKC form (NIST SP 800-63B-4 §3.1.1.2)', async (_, registered, typed) => {
    const auth = await start();
    await registerVerified(auth, { ...alice, password: registered });
    const res = await auth.request('POST', '/auth/login', { username: 'alice', password: typed });
    expect(res.status).toBe(202);
    const wrong = await auth.request('POST', '/auth/login', { username: 'alice', password: `${typed}s` });
    expect(wrong.status).toBe(401);
  });

  it.each(['Alice', 'al', '-alice', 'a'.repeat(33), 'al ice', 'alice!'])('refuses the username %s', async (username) => {
    const auth = await start();
    const res = await auth.request('POST', '/auth/register', { ...alice, username });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('HTTP_VALIDATION_FAILED');
  });

  it('refuses a taken username with AUTH_USERNAME_TAKEN and keeps the first user', async () => {
    const auth = await start();
    const first = await auth.request('POST', '/auth/register', alice);
    const second = await auth.request('POST', '/auth/register', { ...bob, username: 'alice' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('AUTH_USERNAME_TAKEN');
    expect(auth.store.userByName('alice')?.id).toBe(first.body.userId);
    expect(auth.sms.sent).toHaveLength(1);
  });

  it('lets exactly one of two simultaneous registrations of a name win', async () => {
    const auth = await start();
    const results = await Promise.all([auth.request('POST', '/auth/register', alice), auth.request('POST', '/auth/register', { ...bob, username: 'alice' })]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it('answers 503 AUTH_SMS_UNAVAILABLE when SMS is down, keeps the user, and resend recovers', async () => {
    const auth = await start();
    auth.sms.failing = true;
    const res = await auth.request('POST', '/auth/register', alice);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('AUTH_SMS_UNAVAILABLE');
    expect(res.body.error.hint).toContain('/auth/resend');
    expect(auth.store.userByName('alice')?.verified).toBe(false);

    auth.sms.failing = false;
    const resent = await auth.request('POST', '/auth/resend', { username: 'alice', purpose: 'registration' });
    expect(resent.status).toBe(202);
    const verified = await auth.request('POST', '/auth/verify', { username: 'alice', code: auth.sms.lastCode(alice.phone) });
    expect(verified.status).toBe(200);
  });
});

describe('POST /auth/verify', () => {
  async function registered() {
    const auth = await start();
    const res = await auth.request('POST', '/auth/register', alice);
    return { auth, userId: res.body.userId as string, code: auth.sms.lastCode(alice.phone) };
  }

  it('verifies with the right code and texts a welcome', async () => {
    const { auth, userId, code } = await registered();
    const res = await auth.request('POST', '/auth/verify', { username: 'alice', code });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ verified: true });
    expect(auth.store.userByName('alice')?.verified).toBe(true);
    expect(auth.sms.sent.at(-1)).toMatchObject({ template: 'welcome', to: alice.phone, fields: { firstName: 'Alice' }, userId });
    expect(auth.recorded.events()).toContainEqual({ name: 'auth.verified', data: { userId } });
  });

  it('still verifies when the welcome message cannot be sent', async () => {
    const { auth, code } = await registered();
    auth.sms.failing = true;
    const res = await auth.request('POST', '/auth/verify', { username: 'alice', code });
    expect(res.status).toBe(200);
    expect(auth.store.userByName('alice')?.verified).toBe(true);
  });

  it('refuses a wrong code, counts it, and kills the code after 5 wrong attempts', async () => {
    const { auth, userId, code } = await registered();
    for (let i = 1; i <= otpPolicy.maxAttempts; i++) {
      const res = await auth.request('POST', '/auth/verify', { username: 'alice', code: wrongCode(code) });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('AUTH_OTP_INVALID');
      expect(auth.store.latestCode(userId, 'registration')?.attempts).toBe(i);
    }
    const right = await auth.request('POST', '/auth/verify', { username: 'alice', code });
    expect(right.status).toBe(401);
    expect(right.body.error.code).toBe('AUTH_OTP_EXHAUSTED');
    expect(right.body.error.hint).toContain('/auth/resend');
    expect(auth.store.userByName('alice')?.verified).toBe(false);
  });

  it('refuses an expired code with AUTH_OTP_EXPIRED', async () => {
    const { auth, code } = await registered();
    auth.clock.advance(otpPolicy.ttlMs);
    const res = await auth.request('POST', '/auth/verify', { username: 'alice', code });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_OTP_EXPIRED');
    expect(auth.store.userByName('alice')?.verified).toBe(false);
  });

  it('accepts a code just before it expires', async () => {
    const { auth, code } = await registered();
    auth.clock.advance(otpPolicy.ttlMs - 1);
    expect((await auth.request('POST', '/auth/verify', { username: 'alice', code })).status).toBe(200);
  });

  it('answers 409 AUTH_ALREADY_VERIFIED once verified', async () => {
    const { auth, code } = await registered();
    await auth.request('POST', '/auth/verify', { username: 'alice', code });
    const again = await auth.request('POST', '/auth/verify', { username: 'alice', code });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('AUTH_ALREADY_VERIFIED');
  });

  it('refuses an unknown user and a code sent to another user with AUTH_OTP_INVALID', async () => {
    const { auth, code } = await registered();
    await auth.request('POST', '/auth/register', bob);
    const bobCode = auth.sms.lastCode(bob.phone);
    const unknown = await auth.request('POST', '/auth/verify', { username: 'nobody', code });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('AUTH_OTP_INVALID');
    // One chance in a million that both were sent the same six digits.
    if (bobCode !== code) {
      const crossed = await auth.request('POST', '/auth/verify', { username: 'alice', code: bobCode });
      expect(crossed.status).toBe(401);
      expect(crossed.body.error.code).toBe('AUTH_OTP_INVALID');
    }
    expect(auth.store.userByName('alice')?.verified).toBe(false);
    expect(auth.store.userByName('bob.smith')?.verified).toBe(false);
  });

  it('refuses a code that is not six digits as a validation error without counting an attempt', async () => {
    const { auth, userId } = await registered();
    const res = await auth.request('POST', '/auth/verify', { username: 'alice', code: '12345x' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('HTTP_VALIDATION_FAILED');
    expect(res.text).not.toContain('12345x');
    expect(auth.store.latestCode(userId, 'registration')?.attempts).toBe(0);
  });
});

describe('POST /auth/resend', () => {
  it('replaces the old code with a new one', async () => {
    const auth = await closeAfterTest(startTestAuth());
    await auth.request('POST', '/auth/register', alice);
    const old = auth.sms.lastCode(alice.phone);
    const res = await auth.request('POST', '/auth/resend', { username: 'alice', purpose: 'registration' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ sent: true });
    expect(auth.sms.sent).toHaveLength(2);
    const fresh = auth.sms.lastCode(alice.phone);
    if (fresh !== old) {
      const stale = await auth.request('POST', '/auth/verify', { username: 'alice', code: old });
      expect(stale.body.error.code).toBe('AUTH_OTP_INVALID');
    }
    expect((await auth.request('POST', '/auth/verify', { username: 'alice', code: fresh })).status).toBe(200);
  });

  it('answers 202 for an unknown user and sends nothing', async () => {
    const auth = await start();
    for (const purpose of ['registration', 'login']) {
      const res = await auth.request('POST', '/auth/resend', { username: 'nobody', purpose });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ sent: true });
    }
    expect(auth.sms.sent).toEqual([]);
  });

  it('refuses a registration resend for a verified user', async () => {
    const auth = await start();
    await auth.request('POST', '/auth/register', alice);
    await auth.request('POST', '/auth/verify', { username: 'alice', code: auth.sms.lastCode(alice.phone) });
    const res = await auth.request('POST', '/auth/resend', { username: 'alice', purpose: 'registration' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('AUTH_ALREADY_VERIFIED');
  });

  it('sends no login code before the password step', async () => {
    const auth = await start();
    await auth.request('POST', '/auth/register', alice);
    await auth.request('POST', '/auth/verify', { username: 'alice', code: auth.sms.lastCode(alice.phone) });
    const sent = auth.sms.sent.length;
    const res = await auth.request('POST', '/auth/resend', { username: 'alice', purpose: 'login' });
    expect(res.status).toBe(202);
    expect(auth.sms.sent).toHaveLength(sent);
  });

  it('allows 5 codes per 15 minutes, then 429 AUTH_OTP_TOO_MANY with Retry-After', async () => {
    const auth = await start();
    await auth.request('POST', '/auth/register', alice);
    for (let i = 1; i < otpPolicy.maxPerWindow; i++) {
      auth.clock.advance(60_000);
      expect((await auth.request('POST', '/auth/resend', { username: 'alice', purpose: 'registration' })).status).toBe(202);
    }
    const lastCode = auth.sms.lastCode(alice.phone);
    const limited = await auth.request('POST', '/auth/resend', { username: 'alice', purpose: 'registration' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('AUTH_OTP_TOO_MANY');
    // The first code was sent 4 minutes ago, so the window frees a slot in 11 minutes.
    expect(limited.headers.get('retry-after')).toBe(String(11 * 60));
    expect(auth.sms.sent).toHaveLength(otpPolicy.maxPerWindow);

    // The refused resend did not replace the live code.
    expect((await auth.request('POST', '/auth/verify', { username: 'alice', code: lastCode })).status).toBe(200);
  });

  it('frees the limit once the window has passed', async () => {
    const auth = await start();
    await auth.request('POST', '/auth/register', alice);
    for (let i = 1; i < otpPolicy.maxPerWindow; i++) await auth.request('POST', '/auth/resend', { username: 'alice', purpose: 'registration' });
    expect((await auth.request('POST', '/auth/resend', { username: 'alice', purpose: 'registration' })).status).toBe(429);
    auth.clock.advance(otpPolicy.windowMs);
    expect((await auth.request('POST', '/auth/resend', { username: 'alice', purpose: 'registration' })).status).toBe(202);
  });
});
