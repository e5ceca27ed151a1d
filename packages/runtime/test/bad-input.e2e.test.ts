import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPhone, type TopologyEvent } from '../src/index.js';
import {
  errorCode,
  handledSecrets,
  logIn,
  sendOnSocket,
  sendRaw,
  signUp,
  startRealTopology,
  strongPassword,
  uniquePhone,
  uniqueUsername,
  withNextCode,
  type RealTopology,
} from './real-topology.js';

// Every refusal is checked twice: the status and code answered, and that nothing stored changed.
describe('bad input through the real gateway and services', () => {
  let real: RealTopology;
  // Everything any instance said, for the leak check at the end.
  const logs: string[] = [];
  const events: string[] = [];
  const spanTexts: string[] = [];
  const record = (event: TopologyEvent) => {
    if (event.type === 'log') logs.push(`${event.instanceId} ${JSON.stringify(event.record)}`);
    if (event.type === 'event') events.push(`${event.instanceId} ${event.name} ${JSON.stringify(event.data)}`);
    if (event.type === 'spans') for (const span of event.spans) spanTexts.push(`${span.instanceId} ${span.name} ${JSON.stringify(span.attributes ?? {})}`);
  };
  beforeAll(async () => {
    real = await startRealTopology({ prefix: 'bad-input', logLevel: 'debug', onEvent: record });
  });
  afterAll(() => real?.stop());

  const request = <T = unknown>(req: Parameters<RealTopology['gateway']['request']>[0]) => real.gateway.request<T>(req);
  const register = (body: Record<string, unknown>) => request({ method: 'POST', path: '/auth/register', body });
  const validRegistration = (username = uniqueUsername()) => ({ username, password: strongPassword(), phone: uniquePhone(), firstName: 'Test' });

  /** Registers a user (not verified) and returns it with its registration code. */
  async function registerUnverified() {
    const user = validRegistration();
    const { result, code } = await withNextCode(real.topology, user.phone, 'registration', () => register(user));
    expect(result.status).toBe(201);
    return { ...user, code };
  }

  /** The username was never stored: a valid registration with it succeeds now. */
  async function expectUsernameFree(username: string) {
    const answer = await register(validRegistration(username));
    expect(answer.status, `register ${username} afterwards`).toBe(201);
  }

  const me = (token?: string, headers?: Record<string, string>) =>
    request<{ profile: { userId: string; displayName: string } }>({ method: 'GET', path: '/profile/me', ...(token === undefined ? {} : { token }), ...(headers ? { headers } : {}) });
  const otherCode = (code: string, offset = 1) => String((Number(code) + offset) % 1_000_000).padStart(6, '0');
  const phoneCount = async (phone: string) => (await readPhone(real.topology, { to: phone })).length;

  describe('registration', () => {
    it('refuses malformed JSON with 400 HTTP_BODY_MALFORMED and stores nothing', async () => {
      const username = uniqueUsername();
      const answer = await sendRaw(real.gateway.baseUrl, { method: 'POST', path: '/auth/register', body: `{"username":"${username}","password":"Pw-12345678",` });
      expect(answer.status).toBe(400);
      expect(errorCode(answer.body)).toBe('HTTP_BODY_MALFORMED');
      await expectUsernameFree(username);
    });

    it('refuses wrong types and missing fields with 400 HTTP_VALIDATION_FAILED and stores nothing', async () => {
      const base = validRegistration();
      const wrongTypes = [
        { ...base, username: 12345 },
        { ...base, password: true },
        { ...base, phone: 447700900123 },
        { ...base, firstName: ['Ada'] },
        [base],
        'a string',
      ];
      for (const body of wrongTypes) {
        const answer = await register(body as Record<string, unknown>);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(errorCode(answer.body)).toBe('HTTP_VALIDATION_FAILED');
      }
      for (const field of ['username', 'password', 'phone', 'firstName'] as const) {
        const { [field]: _left, ...missing } = base;
        const answer = await register(missing);
        expect(answer.status, `without ${field}`).toBe(400);
        expect(errorCode(answer.body)).toBe('HTTP_VALIDATION_FAILED');
      }
      const login = await request({ method: 'POST', path: '/auth/login', body: { username: base.username } });
      expect([login.status, errorCode(login.body)]).toEqual([400, 'HTTP_VALIDATION_FAILED']);
      const verify = await request({ method: 'POST', path: '/auth/verify', body: { username: base.username, code: 123456 } });
      expect([verify.status, errorCode(verify.body)]).toEqual([400, 'HTTP_VALIDATION_FAILED']);
      expect(await phoneCount(base.phone)).toBe(0);
      await expectUsernameFree(base.username);
    });

    it('refuses a body over 1 MiB with 413 and stores nothing', async () => {
      const username = uniqueUsername();
      const body = JSON.stringify({ ...validRegistration(username), firstName: 'x'.repeat(1024 * 1024 + 16) });
      const declared = await sendRaw(real.gateway.baseUrl, { method: 'POST', path: '/auth/register', body });
      expect(declared.status).toBe(413);
      expect(errorCode(declared.body)).toBe('GATEWAY_BODY_TOO_LARGE');
      // Without Content-Length the gateway counts the bytes as it streams them, and stops at the limit itself.
      const chunked = await sendRaw(real.gateway.baseUrl, { method: 'POST', path: '/auth/register', body, chunked: true });
      expect(chunked.status).toBe(413);
      expect(errorCode(chunked.body)).toBe('GATEWAY_BODY_TOO_LARGE');
      await expectUsernameFree(username);
    });

    it('refuses a taken username with 409 and leaves the first account as it was', async () => {
      const first = await signUp(real.topology, real.gateway);
      const second = { ...validRegistration(first.username) };
      const answer = await register(second);
      expect(answer.status).toBe(409);
      expect(errorCode(answer.body)).toBe('AUTH_USERNAME_TAKEN');
      expect(await phoneCount(second.phone)).toBe(0);
      // The first owner's password still works; the second one's does not.
      const wrong = await request({ method: 'POST', path: '/auth/login', body: { username: first.username, password: second.password } });
      expect([wrong.status, errorCode(wrong.body)]).toEqual([401, 'AUTH_INVALID_CREDENTIALS']);
      await logIn(real.topology, real.gateway, first);
    });

    it('refuses weak passwords with 400 AUTH_PASSWORD_WEAK and stores nothing', async () => {
      const username = uniqueUsername();
      for (const password of ['short1', 'P@ssw0rd!', '1234567890', `${username}9`, 'Password123']) {
        const answer = await register({ ...validRegistration(username), password });
        expect(answer.status, password).toBe(400);
        expect(errorCode(answer.body)).toBe('AUTH_PASSWORD_WEAK');
      }
      await expectUsernameFree(username);
    });

    it('refuses a phone not in E.164 with 400 AUTH_PHONE_INVALID and stores nothing', async () => {
      const username = uniqueUsername();
      for (const phone of ['07700 900123', '447700900123', '+0447700900', '+44 7700 900123', '+1234', '']) {
        const answer = await register({ ...validRegistration(username), phone });
        expect(answer.status, phone).toBe(400);
        expect(errorCode(answer.body)).toBe('AUTH_PHONE_INVALID');
      }
      await expectUsernameFree(username);
    });
  });

  describe('login and one-time codes', () => {
    it('answers an unknown user and a wrong password with the same 401 body, and sends no code', async () => {
      const user = await signUp(real.topology, real.gateway);
      const before = await phoneCount(user.phone);
      const unknown = await request({ method: 'POST', path: '/auth/login', body: { username: uniqueUsername(), password: user.password } });
      const wrong = await request({ method: 'POST', path: '/auth/login', body: { username: user.username, password: `${user.password}x` } });
      expect(unknown.status).toBe(401);
      expect(errorCode(unknown.body)).toBe('AUTH_INVALID_CREDENTIALS');
      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(await phoneCount(user.phone)).toBe(before);
    });

    it('refuses login before verification with 403 AUTH_NOT_VERIFIED', async () => {
      const user = await registerUnverified();
      const login = await request({ method: 'POST', path: '/auth/login', body: { username: user.username, password: user.password } });
      expect([login.status, errorCode(login.body)]).toEqual([403, 'AUTH_NOT_VERIFIED']);
    });

    it('refuses a wrong code with 401 and leaves the user unverified', async () => {
      const user = await registerUnverified();
      const verify = await request({ method: 'POST', path: '/auth/verify', body: { username: user.username, code: otherCode(user.code) } });
      expect([verify.status, errorCode(verify.body)]).toEqual([401, 'AUTH_OTP_INVALID']);
      const login = await request({ method: 'POST', path: '/auth/login', body: { username: user.username, password: user.password } });
      expect([login.status, errorCode(login.body)]).toEqual([403, 'AUTH_NOT_VERIFIED']);
      // One wrong attempt does not kill the code.
      const right = await request({ method: 'POST', path: '/auth/verify', body: { username: user.username, code: user.code } });
      expect(right.status).toBe(200);
    });

    it('after 5 wrong codes refuses even the right one (AUTH_OTP_EXHAUSTED); a resend gives a working code', async () => {
      const user = await registerUnverified();
      for (let attempt = 1; attempt <= 5; attempt++) {
        const wrong = await request({ method: 'POST', path: '/auth/verify', body: { username: user.username, code: otherCode(user.code, attempt) } });
        expect([wrong.status, errorCode(wrong.body)], `wrong attempt ${attempt}`).toEqual([401, 'AUTH_OTP_INVALID']);
      }
      const right = await request({ method: 'POST', path: '/auth/verify', body: { username: user.username, code: user.code } });
      expect([right.status, errorCode(right.body)]).toEqual([401, 'AUTH_OTP_EXHAUSTED']);
      const login = await request({ method: 'POST', path: '/auth/login', body: { username: user.username, password: user.password } });
      expect([login.status, errorCode(login.body)]).toEqual([403, 'AUTH_NOT_VERIFIED']);

      const resent = await withNextCode(real.topology, user.phone, 'registration', () =>
        request({ method: 'POST', path: '/auth/resend', body: { username: user.username, purpose: 'registration' } }),
      );
      expect(resent.result.status).toBe(202);
      const old = await request({ method: 'POST', path: '/auth/verify', body: { username: user.username, code: user.code } });
      expect(old.status).toBe(401);
      const fresh = await request({ method: 'POST', path: '/auth/verify', body: { username: user.username, code: resent.code } });
      expect(fresh.status).toBe(200);
      await logIn(real.topology, real.gateway, user);
    });

    it('refuses a code used a second time with 401 AUTH_OTP_USED', async () => {
      const user = await signUp(real.topology, real.gateway);
      const login = await withNextCode(real.topology, user.phone, 'login', () =>
        request({ method: 'POST', path: '/auth/login', body: { username: user.username, password: user.password } }),
      );
      expect(login.result.status).toBe(202);
      const first = await request({ method: 'POST', path: '/auth/login/verify', body: { username: user.username, code: login.code } });
      expect(first.status).toBe(200);
      const again = await request<{ accessToken?: string }>({ method: 'POST', path: '/auth/login/verify', body: { username: user.username, code: login.code } });
      expect([again.status, errorCode(again.body)]).toEqual([401, 'AUTH_OTP_USED']);
      expect(again.body.accessToken).toBeUndefined();
    });

    it("refuses another user's code with 401 and leaves both codes working", async () => {
      const alice = await signUp(real.topology, real.gateway);
      const bob = await signUp(real.topology, real.gateway);
      const loginOf = (user: typeof alice) =>
        withNextCode(real.topology, user.phone, 'login', () => request({ method: 'POST', path: '/auth/login', body: { username: user.username, password: user.password } }));
      const aliceCode = (await loginOf(alice)).code;
      const bobCode = (await loginOf(bob)).code;
      // Two equal random codes (one in a million) would make this check meaningless.
      if (aliceCode !== bobCode) {
        const crossed = await request({ method: 'POST', path: '/auth/login/verify', body: { username: bob.username, code: aliceCode } });
        expect([crossed.status, errorCode(crossed.body)]).toEqual([401, 'AUTH_OTP_INVALID']);
      }
      const bobVerify = await request({ method: 'POST', path: '/auth/login/verify', body: { username: bob.username, code: bobCode } });
      expect(bobVerify.status).toBe(200);
      const aliceVerify = await request({ method: 'POST', path: '/auth/login/verify', body: { username: alice.username, code: aliceCode } });
      expect(aliceVerify.status).toBe(200);
    });
  });

  describe('tokens', () => {
    const expectTokenInvalid = async (token: string, what: string) => {
      const answer = await me(token);
      expect([answer.status, errorCode(answer.body)], what).toEqual([401, 'GATEWAY_TOKEN_INVALID']);
    };

    it('refuses garbage, tampered, alg-none and refresh tokens with 401 GATEWAY_TOKEN_INVALID, and a missing one with GATEWAY_UNAUTHENTICATED', async () => {
      const user = await signUp(real.topology, real.gateway);
      const created = await request({ method: 'POST', path: '/profile', token: user.accessToken, body: { displayName: 'Token Owner' } });
      expect(created.status).toBe(201);
      expect((await me(user.accessToken)).status).toBe(200);

      const [header, payload, signature] = user.accessToken.split('.') as [string, string, string];
      await expectTokenInvalid('garbage.garbage.garbage', 'garbage');
      await expectTokenInvalid('notajwt', 'no dots');
      const middle = Math.floor(payload.length / 2);
      const flipped = payload[middle] === 'A' ? 'B' : 'A';
      await expectTokenInvalid(`${header}.${payload.slice(0, middle)}${flipped}${payload.slice(middle + 1)}.${signature}`, 'tampered payload');
      const noneHeader: Record<string, unknown> = { ...(JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>), alg: 'none' };
      delete noneHeader.kid;
      await expectTokenInvalid(`${Buffer.from(JSON.stringify(noneHeader)).toString('base64url')}.${payload}.`, 'alg none');
      await expectTokenInvalid(user.refreshToken, 'refresh token as bearer');

      const missing = await me();
      expect([missing.status, errorCode(missing.body)]).toEqual([401, 'GATEWAY_UNAUTHENTICATED']);
      // The real token still works: nothing above revoked it.
      expect((await me(user.accessToken)).status).toBe(200);
    });

    it('rotates refresh tokens; reusing an old one is refused and revokes the whole family', async () => {
      const user = await signUp(real.topology, real.gateway);
      const refresh = (refreshToken: string) => request<{ accessToken: string; refreshToken: string }>({ method: 'POST', path: '/auth/refresh', body: { refreshToken } });
      const rotated = await refresh(user.refreshToken);
      expect(rotated.status).toBe(200);
      handledSecrets.add(rotated.body.accessToken);
      handledSecrets.add(rotated.body.refreshToken);
      expect(rotated.body.refreshToken).not.toBe(user.refreshToken);
      const probe = await me(rotated.body.accessToken);
      expect([probe.status, errorCode(probe.body)]).toEqual([404, 'PROFILE_NOT_FOUND']);

      const reused = await refresh(user.refreshToken);
      expect([reused.status, errorCode(reused.body)]).toEqual([401, 'AUTH_REFRESH_REUSED']);
      await expectTokenInvalid(rotated.body.accessToken, 'access token of the revoked family');
      await expectTokenInvalid(user.accessToken, 'first access token of the revoked family');
      const next = await refresh(rotated.body.refreshToken);
      expect([next.status, errorCode(next.body)]).toEqual([401, 'AUTH_REFRESH_INVALID']);
    });

    it('refuses the token at once after logout', async () => {
      const user = await signUp(real.topology, real.gateway);
      const other = await logIn(real.topology, real.gateway, user);
      expect((await me(user.accessToken)).status).toBe(404);
      const logout = await request({ method: 'POST', path: '/auth/logout', token: user.accessToken, body: {} });
      expect(logout.status).toBe(204);
      await expectTokenInvalid(user.accessToken, 'after logout');
      const refreshed = await request({ method: 'POST', path: '/auth/refresh', body: { refreshToken: user.refreshToken } });
      expect([refreshed.status, errorCode(refreshed.body)]).toEqual([401, 'AUTH_REFRESH_INVALID']);
      // Logout ends one session: the second login's token still works.
      expect((await me(other.accessToken)).status).toBe(404);
    });
  });

  describe('gateway hardening', () => {
    it('refuses a dot-segment path on a raw socket with 400 GATEWAY_PATH_INVALID', async () => {
      const host = new URL(real.gateway.baseUrl).host;
      for (const path of ['/profile/../auth/introspect', '/profile/%2e%2e/auth/introspect', '/profile/./me']) {
        const answer = await sendOnSocket(real.gateway.baseUrl, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close`);
        expect(answer.status, path).toBe(400);
        expect(errorCode(answer.body)).toBe('GATEWAY_PATH_INVALID');
      }
    });

    it('answers internal routes with 404 GATEWAY_ROUTE_NOT_FOUND', async () => {
      const user = await signUp(real.topology, real.gateway);
      const introspect = await request({ method: 'POST', path: '/auth/introspect', token: user.accessToken, body: { token: user.accessToken } });
      expect([introspect.status, errorCode(introspect.body)]).toEqual([404, 'GATEWAY_ROUTE_NOT_FOUND']);
      const sms = await request({ method: 'GET', path: `/sms/messages?to=${encodeURIComponent(user.phone)}` });
      expect([sms.status, errorCode(sms.body)]).toEqual([404, 'GATEWAY_ROUTE_NOT_FOUND']);
      const unknown = await request({ method: 'GET', path: '/nowhere' });
      expect([unknown.status, errorCode(unknown.body)]).toEqual([404, 'GATEWAY_ROUTE_NOT_FOUND']);
    });

    it("ignores a client-sent x-user-id: the token's owner gets their own profile", async () => {
      const owner = await signUp(real.topology, real.gateway);
      const victim = await signUp(real.topology, real.gateway);
      for (const [user, displayName] of [[owner, 'Owner'], [victim, 'Victim']] as const) {
        const created = await request({ method: 'POST', path: '/profile', token: user.accessToken, body: { displayName } });
        expect(created.status).toBe(201);
      }
      for (const header of ['x-user-id', 'x_user_id', 'X-User-Id']) {
        const answer = await me(owner.accessToken, { [header]: victim.userId });
        expect(answer.status, header).toBe(200);
        expect(answer.body.profile).toMatchObject({ userId: owner.userId, displayName: 'Owner' });
      }
      const spoofOnly = await me(undefined, { 'x-user-id': victim.userId });
      expect([spoofOnly.status, errorCode(spoofOnly.body)]).toEqual([401, 'GATEWAY_UNAUTHENTICATED']);
    });
  });

  // Last: it stops the topology so every log file is complete.
  it('no log line, event or span of any instance holds a password, code or token used above', async () => {
    expect(handledSecrets.size).toBeGreaterThan(30);
    await real.topology.stop();
    const logDir = join(real.dataDir, 'logs');
    const files = readdirSync(logDir).map((name) => ({ name, text: readFileSync(join(logDir, name), 'utf8') }));
    expect(files.length).toBeGreaterThanOrEqual(6);
    expect(logs.length).toBeGreaterThan(0);
    const leaksIn = (text: string) => [...handledSecrets].filter((secret) => containsSecret(text, secret));
    for (const file of files) expect(leaksIn(file.text), file.name).toEqual([]);
    expect(logs.filter((line) => leaksIn(line).length > 0)).toEqual([]);
    expect(events.filter((line) => leaksIn(line).length > 0)).toEqual([]);
    expect(spanTexts.filter((line) => leaksIn(line).length > 0)).toEqual([]);
  });
});

// A 6-digit code counts only as a whole number, not inside a timestamp or a pid.
function containsSecret(text: string, secret: string): boolean {
  if (!/^\d+$/.test(secret)) return text.includes(secret);
  return new RegExp(`(?<!\\d)${secret}(?!\\d)`).test(text);
}
