import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../kit/token-cache/token-facts.js';
import { alice, logIn, registerVerified, startTestAuth, type TestAuth } from '#test-support/auth.js';
import { closeAfterTest } from '#test-support/kit.js';

function start(): Promise<TestAuth> {
  return closeAfterTest(startTestAuth({ accessTokenTtlS: 600, refreshTokenTtlS: 3600 }));
}

/** auth with alice registered and logged in: her id, her token pair, and its access token's jti and exp. */
async function loggedIn() {
  const auth = await start();
  const userId = await registerVerified(auth);
  const pair = await logIn(auth);
  return { auth, userId, pair, jti: jtiOf(pair.accessToken), exp: decodeJwt(pair.accessToken).exp! };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const jtiOf = (token: string) => decodeJwt(token).jti as string;

describe('auth publishes token state', () => {
  it('writes token:<jti> = active until exp on login and on refresh', async () => {
    const { auth, userId, pair, jti, exp } = await loggedIn();
    expect(auth.cache.peek(`token:${jti}`)).toEqual({ active: true, sub: userId, username: 'alice', exp, tokenHash: hashToken(pair.accessToken) });
    expect(auth.cache.writes.at(-1)?.ttlMs).toBe(exp * 1000 - auth.clock.now());
    const refreshed = await auth.request('POST', '/auth/refresh', { refreshToken: pair.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(auth.cache.peek(`token:${jtiOf(refreshed.body.accessToken)}`)).toMatchObject({ active: true, sub: userId, tokenHash: hashToken(refreshed.body.accessToken) });
    expect(auth.bus.published.filter((m) => m.topic === 'token.revoked')).toEqual([]);
  });

  it('writes an absent token state again when a reader introspects after a miss (the cache came back empty), never over a revocation, and not for a plain introspection', async () => {
    const { auth, userId, pair, jti } = await loggedIn();
    await auth.cache.delete(`token:${jti}`);
    const introspect = (cacheMiss?: boolean) => auth.request('POST', '/auth/introspect', { token: pair.accessToken, ...(cacheMiss ? { cacheMiss } : {}) });
    const writes = auth.cache.writes.length;
    // Remote mode introspects every request and reads no cache: nothing to write back.
    expect((await introspect()).body).toMatchObject({ active: true, jti });
    expect(auth.cache.writes.length).toBe(writes);
    expect((await introspect(true)).body).toMatchObject({ active: true, jti });
    await expect.poll(() => auth.cache.peek(`token:${jti}`)).toEqual({ active: true, sub: userId, username: 'alice', exp: decodeJwt(pair.accessToken).exp!, tokenHash: hashToken(pair.accessToken) });
    expect(auth.cache.writes.at(-1)).toMatchObject({ key: `token:${jti}`, ifAbsent: true });
    expect((await auth.request('POST', '/auth/logout', {}, bearer(pair.accessToken))).status).toBe(204);
    expect((await introspect(true)).body).toEqual({ active: false });
    expect(auth.cache.peek(`token:${jti}`)).toMatchObject({ active: false });
  });

  it('on logout writes active:false and publishes token.revoked for the revoked jti before answering', async () => {
    const { auth, userId, pair, jti, exp } = await loggedIn();
    const out = await auth.request('POST', '/auth/logout', {}, bearer(pair.accessToken));
    expect(out.status).toBe(204);
    // Checked right after the answer: the write and the publish happened before it.
    expect(auth.cache.peek(`token:${jti}`)).toEqual({ active: false, exp });
    expect(auth.bus.published.filter((m) => m.topic === 'token.revoked').map((m) => m.data)).toEqual([{ jti, userId, exp }]);
  });

  it('on refresh-token reuse revokes and announces every access token of the family', async () => {
    const { auth, userId, pair } = await loggedIn();
    const second = (await auth.request('POST', '/auth/refresh', { refreshToken: pair.refreshToken })).body;
    const reused = await auth.request('POST', '/auth/refresh', { refreshToken: pair.refreshToken });
    expect(reused.body.error.code).toBe('AUTH_REFRESH_REUSED');
    const jtis = [jtiOf(pair.accessToken), jtiOf(second.accessToken)];
    const revoked = auth.bus.published.filter((m) => m.topic === 'token.revoked').map((m) => m.data as { jti: string; userId: string });
    expect(revoked.map((data) => data.jti).sort()).toEqual([...jtis].sort());
    expect(revoked.every((data) => data.userId === userId)).toBe(true);
    for (const jti of jtis) expect(auth.cache.peek(`token:${jti}`)).toMatchObject({ active: false });
  });

  it('retries a revocation it could not publish, and its cache write, until they succeed', async () => {
    const { auth, userId, pair, jti, exp } = await loggedIn();
    auth.bus.failing = true;
    auth.cache.failing = true;
    expect((await auth.request('POST', '/auth/logout', {}, bearer(pair.accessToken))).status).toBe(204);
    const revocations = () => auth.bus.published.filter((m) => m.topic === 'token.revoked').map((m) => m.data);
    expect(revocations()).toEqual([]);
    auth.bus.failing = false;
    auth.cache.failing = false;
    await expect.poll(revocations, { timeout: 5000 }).toEqual([{ jti, userId, exp }]);
    await expect.poll(() => auth.cache.peek(`token:${jti}`), { timeout: 5000 }).toEqual({ active: false, exp });
    const retried = auth.recorded.events().filter((event) => event.name === 'auth.publish.retried');
    expect(retried.map((event) => event.data.what).sort()).toEqual(['cache.revoked', 'token.revoked']);
    expect(retried.every((event) => event.data.userId === userId && (event.data.attempts as number) >= 1)).toBe(true);
  });

  it('never lets a retried active write undo a revocation', async () => {
    const auth = await start();
    await registerVerified(auth);
    auth.cache.failing = true;
    const pair = await logIn(auth);
    const jti = jtiOf(pair.accessToken);
    // Both writes failed; the revocation supersedes the active write waiting for its retry.
    expect((await auth.request('POST', '/auth/logout', {}, bearer(pair.accessToken))).status).toBe(204);
    auth.cache.failing = false;
    const retried = () => auth.recorded.events().filter((event) => event.name === 'auth.publish.retried').map((event) => event.data.what);
    await expect.poll(retried, { timeout: 5000 }).toEqual(['cache.revoked']);
    expect(auth.cache.peek(`token:${jti}`)).toMatchObject({ active: false });
    expect(auth.cache.writes.filter((write) => write.key === `token:${jti}`).map((write) => (write.value as { active: boolean }).active)).toEqual([false]);
  });

  it('retries an active write it could not make, conditionally', async () => {
    const auth = await start();
    await registerVerified(auth);
    auth.cache.failing = true;
    const pair = await logIn(auth);
    auth.cache.failing = false;
    const key = `token:${jtiOf(pair.accessToken)}`;
    await expect.poll(() => auth.cache.peek(key), { timeout: 5000 }).toMatchObject({ active: true, tokenHash: hashToken(pair.accessToken) });
    expect(auth.cache.writes.find((write) => write.key === key)).toMatchObject({ ifAbsent: true });
  });

  it('stops retrying once the token has expired, and reports the drop', async () => {
    const auth = await start();
    await registerVerified(auth);
    const pair = await logIn(auth);
    auth.bus.failing = true;
    expect((await auth.request('POST', '/auth/logout', {}, bearer(pair.accessToken))).status).toBe(204);
    auth.clock.advance(600_000);
    await expect.poll(() => auth.recorded.events().filter((event) => event.name === 'auth.publish.dropped').map((event) => event.data), { timeout: 5000 }).toEqual([
      expect.objectContaining({ what: 'token.revoked', reason: 'expired' }),
    ]);
    auth.bus.failing = false;
    expect(auth.bus.published.filter((m) => m.topic === 'token.revoked')).toEqual([]);
  });

  it('publishes user.verified when a phone number is verified', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    expect(auth.bus.published.map((m) => [m.topic, m.data])).toEqual([['user.verified', { userId }]]);
  });

  it('never fails the user when bus and cache are down, and reports each failure without a token', async () => {
    const auth = await start();
    auth.bus.failing = true;
    auth.cache.failing = true;
    await registerVerified(auth);
    const pair = await logIn(auth);
    const refreshed = await auth.request('POST', '/auth/refresh', { refreshToken: pair.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await auth.request('POST', '/auth/logout', {}, bearer(refreshed.body.accessToken))).status).toBe(204);
    // The revocation is committed even though nobody could be told.
    expect((await auth.request('POST', '/auth/introspect', { token: refreshed.body.accessToken })).body.active).toBe(false);
    const failures = auth.recorded.events().filter((event) => event.name === 'auth.publish.failed');
    // Logout revokes the whole family: the first access token and the refreshed one.
    expect(failures.map((event) => event.data.what)).toEqual(['user.verified', 'cache.active', 'cache.active', 'cache.revoked', 'token.revoked', 'cache.revoked', 'token.revoked']);
    const everything = JSON.stringify(auth.recorded.messages);
    for (const secret of [pair.accessToken, pair.refreshToken, refreshed.body.accessToken, refreshed.body.refreshToken, alice.password]) {
      expect(everything).not.toContain(secret);
    }
  });
});
