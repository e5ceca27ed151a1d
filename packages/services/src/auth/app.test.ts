import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { authErrors } from './errors.js';
import { authRouteSpecs } from './routes.js';
import { alice, bob, logIn, registerVerified, startTestAuth, type TestAuth } from '#test-support/auth.js';
import { closeAfterTest } from '#test-support/kit.js';

function start(bodyLimit?: number): Promise<TestAuth> {
  return closeAfterTest(startTestAuth(bodyLimit === undefined ? {} : { bodyLimit }));
}

/** Rows of every table, to prove a refused request changed nothing. */
function snapshot(auth: TestAuth): unknown {
  return auth.store.transaction(() => ({
    alice: auth.store.userByName('alice'),
    registration: auth.store.latestCode(auth.store.userByName('alice')?.id ?? '', 'registration'),
    login: auth.store.latestCode(auth.store.userByName('alice')?.id ?? '', 'login'),
    sent: auth.sms.sent.length,
  }));
}

describe('auth service', () => {
  it('registers the route prefixes of the contract', () => {
    expect(authRouteSpecs).toEqual([
      { prefix: '/auth', access: 'protected' },
      { prefix: '/auth/register', access: 'public' },
      { prefix: '/auth/verify', access: 'public' },
      { prefix: '/auth/resend', access: 'public' },
      { prefix: '/auth/login', access: 'public' },
      { prefix: '/auth/refresh', access: 'public' },
      { prefix: '/auth/.well-known', access: 'public' },
      { prefix: '/auth/introspect', access: 'internal' },
      { prefix: '/auth/internal', access: 'internal' },
      { prefix: '/auth/oauth', access: 'internal' },
    ]);
  });

  it('declares every error code as AUTH_REASON with a status and a message', () => {
    for (const [code, definition] of Object.entries(authErrors.definitions)) {
      expect(code).toMatch(/^AUTH_[A-Z_]+$/);
      expect(definition.status).toBeGreaterThanOrEqual(400);
      expect(definition.message.length).toBeGreaterThan(0);
    }
  });

  it('answers /health with 200, and 503 AUTH_DB_UNAVAILABLE once the database is gone', async () => {
    const auth = await start();
    expect((await auth.request('GET', '/health')).status).toBe(200);
    auth.store.close();
    const res = await auth.request('GET', '/health');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('AUTH_DB_UNAVAILABLE');
    expect(res.text).not.toContain(' at ');
  });

  it('answers /auth/me for the user the gateway names', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const res = await auth.request('GET', '/auth/me', undefined, await auth.asUser(userId));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ userId, username: 'alice', firstName: 'Alice', phone: alice.phone, verified: true });
    expect(res.text).not.toContain('scrypt');
  });

  it('answers /auth/me without the gateway’s identity assertion with 401 HTTP_IDENTITY_UNVERIFIED, and an unknown id with 404', async () => {
    const auth = await start();
    const none = await auth.request('GET', '/auth/me');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('HTTP_IDENTITY_UNVERIFIED');
    const unknown = await auth.request('GET', '/auth/me', undefined, await auth.asUser('nobody'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('AUTH_USER_UNKNOWN');
  });
});

describe('bad input', () => {
  const endpoints = ['/auth/register', '/auth/verify', '/auth/resend', '/auth/login', '/auth/login/verify', '/auth/refresh', '/auth/introspect'];

  it.each(endpoints)('%s refuses malformed JSON with 400 HTTP_BODY_MALFORMED and changes nothing', async (path) => {
    const auth = await start();
    await auth.request('POST', '/auth/register', alice);
    const before = snapshot(auth);
    const res = await auth.request('POST', path, '{"username": "alice", "password": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('HTTP_BODY_MALFORMED');
    expect(snapshot(auth)).toEqual(before);
  });

  it.each([
    ['/auth/register', {}],
    ['/auth/register', { ...alice, password: 12345678 }],
    ['/auth/register', { ...alice, firstName: '' }],
    ['/auth/register', { ...alice, firstName: 'x'.repeat(65) }],
    ['/auth/register', [alice]],
    ['/auth/verify', { username: 'alice' }],
    ['/auth/verify', { username: 'alice', code: 123456 }],
    ['/auth/resend', { username: 'alice', purpose: 'reset' }],
    ['/auth/login', { username: 'alice' }],
    ['/auth/login', { username: ['alice'], password: alice.password }],
    ['/auth/login/verify', { username: 'alice', code: null }],
    ['/auth/refresh', {}],
    ['/auth/refresh', { refreshToken: 42 }],
    ['/auth/introspect', {}],
    ['/auth/logout', { refreshToken: 7 }],
  ])('%s refuses %j with 400 HTTP_VALIDATION_FAILED and changes nothing', async (path, body) => {
    const auth = await start();
    await auth.request('POST', '/auth/register', alice);
    const before = snapshot(auth);
    const res = await auth.request('POST', path, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('HTTP_VALIDATION_FAILED');
    expect(res.body.error.details.length).toBeGreaterThan(0);
    expect(snapshot(auth)).toEqual(before);
  });

  it('refuses a body without a JSON content type with 415', async () => {
    const auth = await start();
    const res = await auth.request('POST', '/auth/login', JSON.stringify(alice), { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('HTTP_UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses an oversize body with 413 and stores nothing', async () => {
    const auth = await start(4096);
    const res = await auth.request('POST', '/auth/register', { ...alice, firstName: 'A'.repeat(8192) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('HTTP_BODY_TOO_LARGE');
    expect(auth.store.userByName('alice')).toBeUndefined();
  });

  it('refuses a chunked oversize body with 413', async () => {
    const auth = await start(4096);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${auth.url}/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(`{"username":"alice","firstName":"${'A'.repeat(3000)}`);
      req.end(`${'A'.repeat(3000)}"}`);
    });
    expect(status).toBe(413);
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    const auth = await start();
    expect((await auth.request('GET', '/auth/nothing')).body.error.code).toBe('HTTP_NOT_FOUND');
    expect((await auth.request('GET', '/auth/login')).body.error.code).toBe('HTTP_METHOD_NOT_ALLOWED');
  });
});

describe('secrets', () => {
  it('never appear in a log line, event, span or error answer', async () => {
    const auth = await start();
    const secrets: string[] = [alice.password, bob.password];
    const answers: string[] = [];
    const call = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      const res = await auth.request(method, path, body, headers);
      // Only answers that are not the token pair itself are checked.
      if (res.status >= 400) answers.push(res.text);
      return res;
    };

    await registerVerified(auth);
    await call('POST', '/auth/register', { ...bob, password: 'zq9' });
    secrets.push('zq9');
    auth.sms.failing = true;
    await call('POST', '/auth/register', bob);
    auth.sms.failing = false;
    await call('POST', '/auth/resend', { username: bob.username, purpose: 'registration' });
    await call('POST', '/auth/verify', { username: bob.username, code: '000000' });
    await call('POST', '/auth/login', { username: 'alice', password: 'Not-her-pass-1' });
    secrets.push('Not-her-pass-1');
    const pair = await logIn(auth);
    const rotated = (await call('POST', '/auth/refresh', { refreshToken: pair.refreshToken })).body;
    await call('POST', '/auth/refresh', { refreshToken: pair.refreshToken });
    await call('POST', '/auth/introspect', { token: rotated.accessToken });
    await call('POST', '/auth/logout', { refreshToken: 'not-a-real-token-1' }, { authorization: `Bearer ${rotated.accessToken}` });
    await call('POST', '/auth/logout', undefined, { authorization: 'Bearer forged.token.value' });
    secrets.push(pair.accessToken, pair.refreshToken, rotated.accessToken, rotated.refreshToken, 'not-a-real-token-1', 'forged.token.value');
    const codes = auth.sms.sent.flatMap((message) => (message.fields.code ? [message.fields.code] : []));
    expect(codes.length).toBe(3);
    auth.recorded.telemetry.flush();

    expect(answers.length).toBeGreaterThanOrEqual(7);
    expect(auth.recorded.messages.some((m) => m.type === 'log')).toBe(true);
    expect(auth.recorded.messages.some((m) => m.type === 'spans')).toBe(true);
    const telemetry = auth.recorded.messages.map((m) => JSON.stringify(m));
    for (const secret of secrets) {
      for (const line of telemetry) expect(line).not.toContain(secret);
      for (const answer of answers) expect(answer).not.toContain(secret);
    }
    // Six digits can turn up inside a duration or a hex id by chance, so a code counts only as a whole token.
    for (const code of codes) {
      const standalone = new RegExp(`(^|[^0-9a-f.])${code}([^0-9a-f]|$)`);
      for (const line of [...telemetry, ...answers]) expect(line).not.toMatch(standalone);
    }
  });
});
