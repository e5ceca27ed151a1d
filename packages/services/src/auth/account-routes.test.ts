import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { DomainEvent } from '../contract/events-api.js';
import { authDatabaseFile } from './store.js';
import { alice, logIn, registerVerified, startTestAuth, type TestAuth } from '#test-support/auth.js';
import { closeAfterTest } from '#test-support/kit.js';

function start(): Promise<TestAuth> {
  return closeAfterTest(startTestAuth());
}

const published = (auth: TestAuth, topic: string) => auth.bus.published.filter((message) => message.topic === topic).map((message) => message.data as DomainEvent);

describe('DELETE /auth/me', () => {
  it('deletes the user, revokes their tokens and stores user.deleted in one go, answering 202', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const pair = await logIn(auth);
    const res = await auth.request('DELETE', '/auth/me', { password: alice.password }, await auth.asUser(userId));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ deleted: true, eventId: expect.any(String), seq: 1 });

    expect((await auth.request('GET', '/auth/me', undefined, await auth.asUser(userId))).body.error.code).toBe('AUTH_USER_UNKNOWN');
    expect(await auth.tokens.introspect(pair.accessToken)).toBeUndefined();
    expect((await auth.request('POST', '/auth/refresh', { refreshToken: pair.refreshToken })).status).toBe(401);
    expect(auth.bus.published.filter((message) => message.topic === 'token.revoked')).toHaveLength(1);
    await vi.waitFor(() => expect(published(auth, 'user.deleted')).toHaveLength(1));
    expect(published(auth, 'user.deleted')[0]).toMatchObject({ seq: 1, eventId: res.body.eventId, type: 'user.deleted', data: { userId, username: 'alice' } });
    expect(auth.recorded.events().find((event) => event.name === 'auth.event.stored')?.data).toEqual({ type: 'user.deleted', seq: 1, eventId: res.body.eventId });
  });

  it('lets the username be registered again, as a new user', async () => {
    const auth = await start();
    const first = await registerVerified(auth);
    expect((await auth.request('DELETE', '/auth/me', { password: alice.password }, await auth.asUser(first))).status).toBe(202);
    const second = await registerVerified(auth);
    expect(second).not.toBe(first);
  });

  it('refuses a wrong password with 401 AUTH_PASSWORD_WRONG and changes nothing', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const res = await auth.request('DELETE', '/auth/me', { password: 'Not-the-password-1' }, await auth.asUser(userId));
    expect([res.status, res.body.error.code]).toEqual([401, 'AUTH_PASSWORD_WRONG']);
    expect(res.text).not.toContain('Not-the-password-1');
    expect(auth.store.userById(userId)).toBeDefined();
    expect(auth.store.events.page(0, 10).latestSeq).toBe(0);
  });

  it('answers 401 without the gateway’s identity assertion and 400 without a password', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    expect((await auth.request('DELETE', '/auth/me', { password: alice.password })).body.error.code).toBe('HTTP_IDENTITY_UNVERIFIED');
    const empty = await auth.request('DELETE', '/auth/me', {}, await auth.asUser(userId));
    expect([empty.status, empty.body.error.code]).toEqual([400, 'HTTP_VALIDATION_FAILED']);
  });

  it('rolls the deletion back when the event cannot be stored', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const pair = await logIn(auth);
    // Another connection makes every insert into the outbox fail.
    const saboteur = new Database(join(auth.dir, authDatabaseFile));
    onTestFinished(() => void saboteur.close());
    saboteur.exec("CREATE TRIGGER no_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END");

    const res = await auth.request('DELETE', '/auth/me', { password: alice.password }, await auth.asUser(userId));
    expect(res.status).toBe(500);
    expect(auth.store.userById(userId)?.username).toBe('alice');
    expect(await auth.tokens.introspect(pair.accessToken)).toBeDefined();
    expect(auth.bus.published.filter((message) => message.topic === 'token.revoked')).toEqual([]);
    expect(auth.store.events.page(0, 10).latestSeq).toBe(0);
  });
});

describe('PATCH /auth/me', () => {
  it('changes the first name and stores user.updated in the same transaction', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const res = await auth.request('PATCH', '/auth/me', { firstName: '  Ada ' }, await auth.asUser(userId));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ userId, username: 'alice', firstName: 'Ada', phone: alice.phone, verified: true, eventId: expect.any(String), seq: 1 });
    expect((await auth.request('GET', '/auth/me', undefined, await auth.asUser(userId))).body.firstName).toBe('Ada');
    await vi.waitFor(() => expect(published(auth, 'user.updated')).toHaveLength(1));
    expect(published(auth, 'user.updated')[0]?.data).toEqual({ userId, username: 'alice', firstName: 'Ada' });
  });

  it.each([
    ['an empty name', { firstName: '  ' }],
    ['a name over 64 characters', { firstName: 'A'.repeat(65) }],
    ['another field', { firstName: 'Ada', username: 'root' }],
  ])('refuses %s with 400 HTTP_VALIDATION_FAILED', async (_, body) => {
    const auth = await start();
    const userId = await registerVerified(auth);
    const res = await auth.request('PATCH', '/auth/me', body, await auth.asUser(userId));
    expect([res.status, res.body.error.code]).toEqual([400, 'HTTP_VALIDATION_FAILED']);
    expect(auth.store.userById(userId)?.firstName).toBe('Alice');
  });

  it('answers 404 AUTH_USER_UNKNOWN for a user that no longer exists', async () => {
    const auth = await start();
    const res = await auth.request('PATCH', '/auth/me', { firstName: 'Ada' }, await auth.asUser('gone'));
    expect([res.status, res.body.error.code]).toEqual([404, 'AUTH_USER_UNKNOWN']);
    expect(auth.store.events.page(0, 10).latestSeq).toBe(0);
  });
});

describe('GET /auth/internal/events', () => {
  it('pages the log after a seq for a service token with auth.events.read', async () => {
    const auth = await start();
    const userId = await registerVerified(auth);
    for (const firstName of ['Ada', 'Bea', 'Cy']) await auth.request('PATCH', '/auth/me', { firstName }, await auth.asUser(userId));
    const headers = await auth.serviceHeaders('auth', ['auth.events.read']);
    const all = await auth.request('GET', '/auth/internal/events', undefined, headers);
    expect(all.status).toBe(200);
    expect(all.body.latestSeq).toBe(3);
    expect(all.body.events.map((event: DomainEvent) => event.seq)).toEqual([1, 2, 3]);
    const page = await auth.request('GET', '/auth/internal/events?after=1&limit=1', undefined, headers);
    expect(page.body).toEqual({ latestSeq: 3, events: [expect.objectContaining({ seq: 2, type: 'user.updated', data: { userId, username: 'alice', firstName: 'Bea' } })] });
  });

  it.each(['limit=0', 'limit=1001', 'after=-1', 'after=x'])('refuses %s with 400', async (query) => {
    const auth = await start();
    const res = await auth.request('GET', `/auth/internal/events?${query}`, undefined, await auth.serviceHeaders('auth', ['auth.events.read']));
    expect(res.status).toBe(400);
  });

  it('answers 401 without a service token and 403 without the scope', async () => {
    const auth = await start();
    expect((await auth.request('GET', '/auth/internal/events', undefined, { authorization: '' })).status).toBe(401);
    const other = await auth.request('GET', '/auth/internal/events', undefined, await auth.serviceHeaders('auth', ['auth.users.read']));
    expect(other.status).toBe(403);
  });
});
