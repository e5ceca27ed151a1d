import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../kit/sqlite.js';
import { createRecoveryCode, normalizeRecoveryCode, recoveryCodePolicy } from './recovery-codes.js';
import { authMigrations } from './schema.js';
import { authDatabaseFile, openAuthStore } from './store.js';
import { alice, bob, enableTotpWithCodes, registerVerified, startTestAuth, type TestAuth } from '#test-support/auth.js';
import { totpCode } from './totp.js';
import { closeAfterTest } from '#test-support/kit.js';
import { testDir } from '@topolab/test-support/files';

// Recovery codes are look-up secrets: NIST SP 800-63B-4 §3.1.2 (CSPRNG, stored hashed, used once,
// rate-limited), OWASP ASVS 4.0.3 §2.6.1-2.6.3 (single use, random, protected at rest) and §3.7.1
// (regenerating them is a sensitive change: reauth.test.ts).

function start(): Promise<TestAuth> {
  return closeAfterTest(startTestAuth());
}

const step = 30_000;
const codePattern = /^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){5}$/;
const passwordStep = (auth: TestAuth, username = 'alice', password = alice.password) => auth.request('POST', '/auth/login', { username, password });
const recoveryStep = (auth: TestAuth, recoveryCode: string, username = 'alice') => auth.request('POST', '/auth/login/verify', { username, recoveryCode });

/** alice with a confirmed authenticator: her id, secret and the 10 codes the confirmation showed. */
async function withAuthenticator(auth: TestAuth): Promise<{ userId: string; secret: string; recoveryCodes: string[] }> {
  const userId = await registerVerified(auth);
  const enabled = await enableTotpWithCodes(auth, userId);
  auth.clock.advance(step);
  return { userId, ...enabled };
}

/** The rows of recovery_codes as a second connection reads them from the file. */
function storedRows(auth: TestAuth): { user_id: string; code_hash: string; used_at: number | null }[] {
  const db = new Database(join(auth.dir, authDatabaseFile), { readonly: true });
  try {
    return db.prepare('SELECT user_id, code_hash, used_at FROM recovery_codes').all() as never;
  } finally {
    db.close();
  }
}

describe('recovery code format', () => {
  it('is 120 bits of CSPRNG output in Crockford base32, and reads back whatever the case, dashes, spaces or look-alikes', () => {
    expect(recoveryCodePolicy.bytes * 8).toBeGreaterThanOrEqual(112);
    const codes = Array.from({ length: 200 }, createRecoveryCode);
    for (const code of codes) expect(code).toMatch(codePattern);
    expect(new Set(codes).size).toBe(codes.length);
    const code = codes[0]!;
    const plain = code.replaceAll('-', '');
    expect(normalizeRecoveryCode(code)).toBe(plain);
    expect(normalizeRecoveryCode(` ${code.toUpperCase().replaceAll('-', ' ')} `)).toBe(plain);
    expect(normalizeRecoveryCode('OOOO-llll-IIII-oooo-0000-1111')).toBe('000011111111000000001111');
    for (const bad of ['', plain.slice(1), `${plain}0`, plain.replace(/.$/, 'u'), '123456']) expect(normalizeRecoveryCode(bad)).toBeUndefined();
  });
});

describe('recovery codes at POST /auth/totp/confirm', () => {
  it('shows 10 distinct codes once, not to be cached, and stores only their keyed hashes', async () => {
    const auth = await start();
    const { userId, recoveryCodes } = await withAuthenticator(auth);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(codePattern);

    const rows = storedRows(auth);
    expect(rows).toHaveLength(10);
    const stored = JSON.stringify(rows);
    for (const code of recoveryCodes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replaceAll('-', ''));
    }
    for (const row of rows) expect(row).toEqual({ user_id: userId, code_hash: expect.stringMatching(/^[\w-]{43}$/), used_at: null });
    const logged = JSON.stringify(auth.recorded.messages);
    for (const code of recoveryCodes) expect(logged).not.toContain(code.replaceAll('-', '').slice(0, 8));
    // Shown once: nothing answers them again.
    expect(JSON.stringify((await auth.request('GET', '/auth/internal/authenticator/alice')).body)).not.toContain(recoveryCodes[0]!);
  });
});

describe('logging in with a recovery code (POST /auth/login/verify { username, recoveryCode })', () => {
  it('completes the login in place of the authenticator code, once per code, and says how many remain', async () => {
    const auth = await start();
    const { userId, recoveryCodes } = await withAuthenticator(auth);
    const [first, second] = recoveryCodes as [string, string];
    expect((await passwordStep(auth)).body).toEqual({ challenge: 'totp' });
    const pair = await recoveryStep(auth, first);
    expect(pair.status).toBe(200);
    expect(pair.body).toEqual({ tokenType: 'Bearer', accessToken: expect.any(String), expiresIn: 900, refreshToken: expect.any(String), recoveryCodesLeft: 9 });
    expect((await auth.request('POST', '/auth/introspect', { token: pair.body.accessToken })).body).toMatchObject({ active: true, sub: userId });
    expect(auth.recorded.events()).toContainEqual({ name: 'auth.login', data: { userId, with: 'recovery-code', recoveryCodesLeft: 9 } });

    await passwordStep(auth);
    const again = await recoveryStep(auth, first);
    expect([again.status, again.body.error.code]).toEqual([401, 'AUTH_RECOVERY_CODE_USED']);
    expect(again.text).not.toContain(first.slice(0, 4));
    // Typed as from paper: upper case, spaces for dashes.
    const typed = await recoveryStep(auth, second.toUpperCase().replaceAll('-', ' '));
    expect([typed.status, typed.body.recoveryCodesLeft]).toEqual([200, 8]);
    expect(storedRows(auth).filter((row) => row.used_at !== null)).toHaveLength(2);
    expect(JSON.stringify(auth.recorded.messages)).not.toContain(first.slice(0, 9));
  });

  it('needs the password step first, and is no way in for a user without an authenticator', async () => {
    const auth = await start();
    const { recoveryCodes } = await withAuthenticator(auth);
    const without = await recoveryStep(auth, recoveryCodes[0]!);
    expect([without.status, without.body.error.code]).toEqual([401, 'AUTH_OTP_INVALID']);
    // Bob (SMS login) has no codes; alice's are hers alone.
    await registerVerified(auth, bob);
    await passwordStep(auth, bob.username, bob.password);
    const foreign = await recoveryStep(auth, recoveryCodes[0]!, bob.username);
    expect([foreign.status, foreign.body.error.code]).toEqual([401, 'AUTH_OTP_INVALID']);
    await passwordStep(auth);
    expect((await recoveryStep(auth, recoveryCodes[0]!)).status).toBe(200);
  });

  it('refuses a body with both a code and a recovery code, or neither: 400', async () => {
    const auth = await start();
    const { secret, recoveryCodes } = await withAuthenticator(auth);
    await passwordStep(auth);
    for (const body of [{ username: 'alice', code: totpCode(secret, auth.clock.now()), recoveryCode: recoveryCodes[0] }, { username: 'alice' }]) {
      const res = await auth.request('POST', '/auth/login/verify', body);
      expect([res.status, res.body.error.code]).toEqual([400, 'HTTP_VALIDATION_FAILED']);
    }
  });

  it('counts wrong recovery codes as failed logins of the account (NIST SP 800-63B-4 §3.2.2): the 6th locks it, then 429 before any check', async () => {
    const auth = await start();
    const { recoveryCodes } = await withAuthenticator(auth);
    await passwordStep(auth);
    const guesses = ['0000-0000-0000-0000-0000-0000', 'not a code', ...Array.from({ length: 4 }, createRecoveryCode)];
    for (const guess of guesses) {
      const res = await recoveryStep(auth, guess);
      expect([res.status, res.body.error.code]).toEqual([401, 'AUTH_RECOVERY_CODE_INVALID']);
    }
    expect(auth.store.throttle.state('alice', auth.clock.now())?.failures).toBe(6);
    const locked = await recoveryStep(auth, recoveryCodes[0]!);
    expect([locked.status, locked.body.error.code, locked.headers.get('retry-after')]).toEqual([429, 'AUTH_LOGIN_THROTTLED', '1']);
    // The locked attempt spent nothing: the code still works once the lock is over.
    auth.clock.advance(1000);
    const res = await recoveryStep(auth, recoveryCodes[0]!);
    expect([res.status, res.body.recoveryCodesLeft]).toEqual([200, 9]);
    expect(auth.store.throttle.state('alice', auth.clock.now())).toBeUndefined();
  });
});

describe('POST /auth/totp/recovery-codes', () => {
  it('replaces the whole set: the old codes, used or not, no longer work and the new ones do', async () => {
    const auth = await start();
    const { userId, recoveryCodes: old } = await withAuthenticator(auth);
    await passwordStep(auth);
    expect((await recoveryStep(auth, old[0]!)).status).toBe(200);
    const res = await auth.request('POST', '/auth/totp/recovery-codes', { password: alice.password }, await auth.asUser(userId));
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const fresh = res.body.recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((code) => old.includes(code))).toEqual([]);
    expect(storedRows(auth).filter((row) => row.used_at === null)).toHaveLength(10);

    await passwordStep(auth);
    for (const code of old.slice(0, 2)) expect((await recoveryStep(auth, code)).body.error.code).toBe('AUTH_RECOVERY_CODE_INVALID');
    const login = await recoveryStep(auth, fresh[0]!);
    expect([login.status, login.body.recoveryCodesLeft]).toEqual([200, 9]);
  });

  it('answers 404 AUTH_TOTP_NOT_ENROLLED without a confirmed authenticator', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const res = await auth.request('POST', '/auth/totp/recovery-codes', { password: alice.password }, await auth.asUser(userId));
    expect([res.status, res.body.error.code]).toEqual([404, 'AUTH_TOTP_NOT_ENROLLED']);
  });
});

describe('DELETE /auth/totp with a recovery code (the phone is lost)', () => {
  it('turns the authenticator off with its codes; login texts codes again', async () => {
    const auth = await start();
    const { userId, recoveryCodes } = await withAuthenticator(auth);
    const headers = await auth.asUser(userId);
    const wrong = await auth.request('DELETE', '/auth/totp', { recoveryCode: createRecoveryCode(), password: alice.password }, headers);
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'AUTH_RECOVERY_CODE_INVALID']);
    expect(auth.store.throttle.state('alice', auth.clock.now())?.failures).toBe(1);
    expect((await auth.request('DELETE', '/auth/totp', { recoveryCode: recoveryCodes[3], password: alice.password }, headers)).status).toBe(204);
    expect(auth.store.totp.credential(userId)).toBeUndefined();
    expect(storedRows(auth)).toEqual([]);
    expect((await passwordStep(auth)).body).toEqual({ challenge: 'sms' });
  });
});

describe('migrating an auth.db made before recovery codes', () => {
  it('adds auth_time (unknown on old tokens: they need the password) and the recovery_codes table, keeping the data', () => {
    const dir = testDir('auth-old');
    // A database of the previous schema, as an older build left it.
    const old = openDatabase(join(dir, authDatabaseFile), { migrations: authMigrations.slice(0, 3) });
    old.prepare("INSERT INTO users (id, username, password_hash, phone, first_name, verified, created_at) VALUES ('u1', 'alice', 'x', '+447700900123', 'Alice', 1, 0)").run();
    old.prepare("INSERT INTO access_tokens (jti, user_id, family_id, created_at, expires_at) VALUES ('old-jti', 'u1', 'f', 0, 1)").run();
    old.prepare("INSERT INTO totp_credentials (user_id, secret, created_at, confirmed_at, last_step) VALUES ('u1', 'S', 0, 0, 7)").run();
    old.close();

    const store = openAuthStore(dir);
    try {
      expect(store.accessByJti('old-jti')).toMatchObject({ userId: 'u1', authTime: null });
      expect(store.totp.credential('u1')).toMatchObject({ lastStep: 7, lastUsedAt: null });
      expect(store.recovery.left('u1')).toBe(0);
      expect(store.userById('u1')?.username).toBe('alice');
    } finally {
      store.close();
    }
  });
});
