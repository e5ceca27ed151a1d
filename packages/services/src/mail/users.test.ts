import { describe, expect, it } from 'vitest';
import { CallError } from '../kit/http/client.js';
import type { ServiceCaller } from '../kit/discovery/service-caller.js';
import { createAuthLookup, createUserDirectory, UserLookupError, type MailUser } from './users.js';

const ada: MailUser = { userId: 'u1', username: 'ada', firstName: 'Ada', verified: true };
const eve: MailUser = { userId: 'u2', username: 'eve', firstName: 'Eve', verified: false };

function fakeLookup(users: MailUser[]) {
  const requests: unknown[] = [];
  return {
    requests,
    lookup: async (request: { usernames?: string[]; userIds?: string[] }) => {
      requests.push(request);
      return users.filter((user) => request.usernames?.includes(user.username) || request.userIds?.includes(user.userId));
    },
  };
}

describe('user directory', () => {
  it('asks auth once for verified users and answers later lookups from its cache, by name and by id', async () => {
    const { lookup, requests } = fakeLookup([ada, eve]);
    const directory = createUserDirectory({ lookup });
    expect([...(await directory.byUsernames(['ada', 'eve', 'ghost'])).keys()]).toEqual(['ada']);
    expect(await directory.byUsernames(['ada'])).toEqual(new Map([['ada', ada]]));
    expect(await directory.byId('u1')).toEqual(ada);
    expect(requests).toEqual([{ usernames: ['ada', 'eve', 'ghost'] }]);
  });

  it('forgets a deleted user and shows a renamed one’s new first name, as auth’s events say', async () => {
    const { lookup, requests } = fakeLookup([ada]);
    const directory = createUserDirectory({ lookup });
    await directory.byUsernames(['ada']);
    directory.update({ userId: 'u1', username: 'ada', firstName: 'Augusta' });
    expect((await directory.byId('u1'))?.firstName).toBe('Augusta');
    expect((await directory.byUsernames(['ada'])).get('ada')?.firstName).toBe('Augusta');
    directory.forget({ userId: 'u1', username: 'ada' });
    await directory.byId('u1');
    expect(requests).toEqual([{ usernames: ['ada'] }, { userIds: ['u1'] }]);
    // An uncached user stays uncached: the next lookup asks auth.
    directory.update({ userId: 'u9', username: 'zed', firstName: 'Zed' });
    expect(await directory.byId('u9')).toBeUndefined();
  });

  it('never caches unknown or unverified users, so a user who verifies gets mail at once', async () => {
    const users = [{ ...eve }];
    const { lookup, requests } = fakeLookup(users as MailUser[]);
    const directory = createUserDirectory({ lookup });
    expect((await directory.byUsernames(['eve'])).size).toBe(0);
    (users[0] as { verified: boolean }).verified = true;
    expect((await directory.byUsernames(['eve'])).size).toBe(1);
    expect(await directory.byId('nobody')).toBeUndefined();
    expect(requests).toHaveLength(3);
  });

  it('forgets users after the TTL', async () => {
    const { lookup, requests } = fakeLookup([ada]);
    const directory = createUserDirectory({ lookup, ttlMs: 1 });
    await directory.byId('u1');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await directory.byId('u1');
    expect(requests).toHaveLength(2);
  });
});

describe('auth lookup', () => {
  const callerAnswering = (answer: () => Promise<{ status: number; body: unknown }>): ServiceCaller & { calls: unknown[] } => {
    const calls: unknown[] = [];
    return {
      calls,
      call: async (call) => {
        calls.push(call);
        return { headers: {}, ...(await answer()) } as never;
      },
    };
  };

  it('posts to auth\'s internal lookup route', async () => {
    const caller = callerAnswering(async () => ({ status: 200, body: { users: [ada] } }));
    expect(await createAuthLookup(caller)({ usernames: ['ada'] })).toEqual([ada]);
    expect(caller.calls[0]).toMatchObject({ service: 'auth', method: 'POST', path: '/auth/internal/users/lookup', body: { usernames: ['ada'] } });
  });

  it.each([
    ['a network failure', async () => Promise.reject(new CallError('refused', 'auth'))],
    ['a 500', async () => ({ status: 500, body: { error: { code: 'HTTP_INTERNAL' } } })],
    ['a body without users', async () => ({ status: 200, body: {} })],
  ])('turns %s into UserLookupError', async (_, answer) => {
    await expect(createAuthLookup(callerAnswering(answer as never))({ userIds: ['u1'] })).rejects.toBeInstanceOf(UserLookupError);
  });
});
