import { defineScenario, type ScenarioContext, type ScenarioUser } from '@topolab/runtime/dsl';

/** `POST /auth/totp/enroll` answer (auth/totp-routes.ts). */
interface TotpEnrolment {
  readonly secret: string;
  readonly uri: string;
  readonly algorithm: string;
  readonly digits: number;
  readonly period: number;
}

/** `POST /auth/totp/confirm` and `POST /auth/totp/recovery-codes` answer: single-use recovery codes, shown once. */
interface RecoveryCodes {
  readonly recoveryCodes: readonly string[];
}

/** `POST /auth/login/verify` answer after a recovery code. */
interface RecoveryLogin {
  readonly tokenType: string;
  readonly recoveryCodesLeft: number;
}

/** Logs in with the password: the first factor only, answered 202 with the challenge to meet. */
async function passwordStep(ctx: ScenarioContext, user: ScenarioUser, password = user.password) {
  return ctx.gateway.post<{ challenge?: string }>('/auth/login', { username: user.username, password });
}

/**
 * A second factor without SMS: an authenticator app (TOTP, RFC 6238) enrolled and confirmed,
 * then asked for at every login. `topolab authenticator <username>` is the app here, as
 * `topolab phone` is the SMS inbox. Confirming it shows 10 single-use recovery codes for a lost
 * phone (NIST SP 800-63B-4 §3.1.2 look-up secrets); changing the second factor needs the password
 * again or a login younger than 5 minutes (OWASP ASVS 4.0.3 §3.7.1). Then the per-account throttle
 * (OWASP ASVS 2.2.1, NIST SP 800-63B-4 rate limiting) stops guessing.
 */
export default defineScenario({
  name: 'totp-login',
  // Only gateway → auth matters here; each auth mode checks the token the same way afterwards.
  modes: { discovery: ['client'] },
  summary: 'Enrol an authenticator app (TOTP, RFC 6238), confirm it, log in with its code instead of an SMS; a code works once, ±1 step of clock skew is allowed; a lost phone logs in with a single-use recovery code; regenerating them needs the password; wrong passwords in a row lock the account with 429 and Retry-After.',
  async run(ctx) {
    const user = await ctx.step('a verified user, logged in with an SMS code as everyone starts', async () => {
      const signedUp = await ctx.users.signUp({ firstName: 'Hedy' });
      ctx.note(`${signedUp.username}, phone ${signedUp.phone}`);
      return signedUp;
    });

    await ctx.step('the user enrols an authenticator app: a 160-bit secret and an otpauth:// URI to scan', async () => {
      const enrolled = await ctx.gateway.post<TotpEnrolment>('/auth/totp/enroll', undefined, { token: user.accessToken });
      ctx.expect(enrolled).toHaveStatus(201);
      ctx.expect(enrolled.body).toMatchObject({ algorithm: 'SHA1', digits: 6, period: 30 });
      ctx.expect(enrolled.body.secret).toMatch(/^[A-Z2-7]{32}$/);
      ctx.expect(enrolled.body.uri).toMatch(/^otpauth:\/\/totp\/topolab:[^?]+\?/);
      ctx.expect(enrolled.headers['cache-control']).toBe('no-store');
      ctx.note('an authenticator app scans the URI as a QR code; until it proves it has the secret, login still texts a code');
    });

    const confirmed = await ctx.step('a wrong code does not turn it on; the code the app shows does', async () => {
      const shown = await ctx.phone.authenticator(user.username);
      const wrong = String((Number(shown.code) + 500_000) % 1_000_000).padStart(6, '0');
      ctx.expect(await ctx.gateway.post('/auth/totp/confirm', { code: wrong }, { token: user.accessToken })).toHaveStatus(401, 'AUTH_TOTP_INVALID');
      const confirm = await ctx.gateway.post<RecoveryCodes & { enabled: boolean }>('/auth/totp/confirm', { code: shown.code }, { token: user.accessToken });
      ctx.expect(confirm).toHaveStatus(200);
      ctx.expect(confirm.body.enabled).toBe(true);
      ctx.expect(confirm.body.recoveryCodes.length).toBe(10);
      ctx.expect(confirm.headers['cache-control']).toBe('no-store');
      ctx.note(`topolab authenticator ${user.username} showed it: step ${shown.step}, valid ${shown.validForS} s more`);
      ctx.note('the answer also shows 10 single-use recovery codes, this once; auth keeps only their HMACs');
      return { ...shown, recoveryCodes: confirm.body.recoveryCodes };
    });

    await ctx.step('now the password leads to a TOTP challenge, and no SMS is sent', async () => {
      const before = (await ctx.phone.messages(user.phone)).length;
      const login = await passwordStep(ctx, user);
      ctx.expect(login).toHaveStatus(202);
      ctx.expect(login.body).toEqual({ challenge: 'totp' });
      ctx.expect((await ctx.phone.messages(user.phone)).length).toBe(before);
    });

    await ctx.step('the code that confirmed the app cannot log in: one code, one use (RFC 6238 §5.2)', async () => {
      const replay = await ctx.gateway.post('/auth/login/verify', { username: user.username, code: confirmed.code });
      ctx.expect(replay).toHaveStatus(401, 'AUTH_TOTP_REUSED');
      ctx.note('auth keeps the last time step it accepted per user; a code of that step or an older one is refused');
    });

    await ctx.step('a code two steps (60 s) off is refused: the window is one step either side', async () => {
      // Read at least a second before the step changes, or the code would be one step off by the time auth checks it.
      if ((await ctx.phone.authenticator(user.username)).validForS <= 1) await ctx.sleep(1500);
      const far = await ctx.phone.authenticator(user.username, { offset: 2 });
      ctx.expect(await ctx.gateway.post('/auth/login/verify', { username: user.username, code: far.code })).toHaveStatus(401, 'AUTH_TOTP_INVALID');
    });

    await ctx.step('a code from a phone whose clock is 30 s ahead completes the login', async () => {
      const ahead = await ctx.phone.authenticator(user.username, { offset: 1 });
      const verified = await ctx.gateway.post<{ accessToken: string }>('/auth/login/verify', { username: user.username, code: ahead.code });
      ctx.expect(verified).toHaveStatus(200);
      ctx.expect(verified.body).toMatchObject({ tokenType: 'Bearer' });
      const me = await ctx.gateway.get('/auth/me', { token: verified.body.accessToken });
      ctx.expect(me).toHaveStatus(200);
      ctx.note(`step ${ahead.step} accepted: RFC 6238 §5.2 allows one step of clock drift; the next login needs a code of a later step`);
    });

    await ctx.step('topolab authenticator now says its code is used and when the next one comes', async () => {
      const shown = await ctx.phone.authenticator(user.username);
      ctx.expect(shown.used).toBe(true);
      ctx.expect(shown.lastUsedAt ?? 0).toBeGreaterThan(0);
      ctx.note(`step ${shown.step} is at or before the last accepted one: auth would refuse the code; next code in ${shown.validForS} s`);
    });

    const recoveryCodes = await ctx.step('new recovery codes need the password again (OWASP ASVS 4.0.3 §3.7.1): a wrong one is refused, the right one replaces the set', async () => {
      const wrong = await ctx.gateway.post('/auth/totp/recovery-codes', { password: `${user.password}-wrong` }, { token: user.accessToken });
      ctx.expect(wrong).toHaveStatus(401, 'AUTH_PASSWORD_WRONG');
      const fresh = await ctx.gateway.post<RecoveryCodes>('/auth/totp/recovery-codes', { password: user.password }, { token: user.accessToken });
      ctx.expect(fresh).toHaveStatus(201);
      ctx.expect(fresh.body.recoveryCodes.length).toBe(10);
      ctx.note('an access token alone is not enough once its login is 5 minutes old (403 AUTH_REAUTHENTICATION_REQUIRED): a stolen token cannot swap the authenticator');
      return fresh.body.recoveryCodes;
    });

    await ctx.step('the phone is lost: a recovery code completes the login instead of the authenticator code', async () => {
      ctx.expect(await passwordStep(ctx, user)).toHaveStatus(202);
      const verified = await ctx.gateway.post<RecoveryLogin>('/auth/login/verify', { username: user.username, recoveryCode: recoveryCodes[0] });
      ctx.expect(verified).toHaveStatus(200);
      ctx.expect(verified.body.recoveryCodesLeft).toBe(9);
      ctx.note('the answer says how many codes remain: 9');
    });

    await ctx.step('a recovery code works once, and the set the regeneration replaced works not at all', async () => {
      ctx.expect(await passwordStep(ctx, user)).toHaveStatus(202);
      const again = await ctx.gateway.post('/auth/login/verify', { username: user.username, recoveryCode: recoveryCodes[0] });
      ctx.expect(again).toHaveStatus(401, 'AUTH_RECOVERY_CODE_USED');
      const replaced = await ctx.gateway.post('/auth/login/verify', { username: user.username, recoveryCode: confirmed.recoveryCodes[1] });
      ctx.expect(replaced).toHaveStatus(401, 'AUTH_RECOVERY_CODE_INVALID');
      const next = await ctx.gateway.post<RecoveryLogin>('/auth/login/verify', { username: user.username, recoveryCode: recoveryCodes[1] });
      ctx.expect(next).toHaveStatus(200);
      ctx.expect(next.body.recoveryCodesLeft).toBe(8);
      ctx.note('refused recovery codes count as failed logins of the account, as wrong passwords do; the completed login resets the count');
    });

    const retryAfterS = await ctx.step('wrong passwords in a row lock the account: six are answered, then 429 with Retry-After', async () => {
      const answers: number[] = [];
      let locked;
      // Six failures are answered 401; the lock starts with the sixth (1 s, doubling per failure after it), so a slow machine may see one or two more 401s first.
      for (let attempt = 1; attempt <= 12 && !locked; attempt++) {
        const answer = await passwordStep(ctx, user, `${user.password}-wrong-${attempt}`);
        if (answer.status === 429) locked = answer;
        else ctx.expect(answer).toHaveStatus(401, 'AUTH_INVALID_CREDENTIALS');
        answers.push(answer.status);
      }
      ctx.expect(locked).toBeDefined();
      ctx.expect(locked!).toHaveStatus(429, 'AUTH_LOGIN_THROTTLED');
      ctx.expect(answers.indexOf(429)).toBeGreaterThanOrEqual(6);
      const seconds = Number(locked!.headers['retry-after']);
      ctx.expect(seconds).toBeGreaterThanOrEqual(1);
      ctx.note(`${answers.length - 1} failures answered, then 429: five are free, then each locks the account twice as long (1 s, 2 s, … up to 15 min); a locked attempt costs no password hash`);
      return seconds;
    });

    await ctx.step('after Retry-After the right password is let through again', async () => {
      await ctx.sleep(retryAfterS * 1000);
      const login = await passwordStep(ctx, user);
      ctx.expect(login).toHaveStatus(202);
      ctx.expect(login.body).toEqual({ challenge: 'totp' });
      ctx.note(`waited ${retryAfterS} s`);
    });
  },
});
