import { describe, expect, it } from 'vitest';
import { alice, bob, registerVerified, startTestAuth } from '#test-support/auth.js';
import { closeAfterTest } from '#test-support/kit.js';

function start() {
  return closeAfterTest(startTestAuth());
}

describe('POST /auth/internal/users/lookup', () => {
  it('finds users by username (any case) and by id, each once, with their verified flag and nothing secret', async () => {
    const auth = await start();
    const aliceId = await registerVerified(auth, alice);
    const pending = await auth.request('POST', '/auth/register', bob);
    expect(pending.status).toBe(201);
    const res = await auth.request('POST', '/auth/internal/users/lookup', { usernames: ['ALICE', 'bob.smith', 'nobody'], userIds: [aliceId, 'no-such-id'] });
    expect(res.status).toBe(200);
    const users = [...res.body.users].sort((a: { username: string }, b: { username: string }) => a.username.localeCompare(b.username));
    expect(users).toEqual([
      { userId: aliceId, username: 'alice', firstName: 'Alice', verified: true },
      { userId: pending.body.userId, username: 'bob.smith', firstName: 'Bob', verified: false },
    ]);
    expect(res.text).not.toMatch(/scrypt|\+44/);
  });

  it('answers an empty list when nothing matches', async () => {
    const auth = await start();
    const res = await auth.request('POST', '/auth/internal/users/lookup', { userIds: ['x'] });
    expect([res.status, res.body.users]).toEqual([200, []]);
  });

  it.each([
    ['no list at all', {}],
    ['an unknown field', { usernames: ['alice'], admin: true }],
    ['a list that is not an array', { usernames: 'alice' }],
    ['more than 500 names', { usernames: Array.from({ length: 501 }, (_, i) => `user${i}`) }],
    ['an empty username', { usernames: [''] }],
  ])('refuses %s with 400 HTTP_VALIDATION_FAILED', async (_, body) => {
    const auth = await start();
    const res = await auth.request('POST', '/auth/internal/users/lookup', body);
    expect([res.status, res.body.error.code]).toEqual([400, 'HTTP_VALIDATION_FAILED']);
  });
});
