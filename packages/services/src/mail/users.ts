import { LRUCache } from 'lru-cache';
import type { ServiceCaller } from '../kit/discovery/service-caller.js';
import type { TraceContext } from '../kit/trace.js';

/** A user as auth describes them to other services. */
export interface MailUser {
  readonly userId: string;
  readonly username: string;
  readonly firstName: string;
  readonly verified: boolean;
}

/** Auth could not answer a lookup (no instance, a failure, an unexpected answer). */
export class UserLookupError extends Error {
  override readonly name = 'UserLookupError';
}

/** Finds users by username or id; only verified users count as having a mailbox. */
export interface UserDirectory {
  /** The verified users among `usernames` (lower-case), by username. @throws UserLookupError */
  byUsernames(usernames: readonly string[], trace?: TraceContext): Promise<Map<string, MailUser>>;
  /** The user with this id when verified. @throws UserLookupError */
  byId(userId: string, trace?: TraceContext): Promise<MailUser | undefined>;
}

/** What auth's domain events change in a directory's cache (each mail instance keeps its own). */
export interface DirectoryCache {
  /** Drops a deleted user: a later lookup asks auth, which no longer knows them. */
  forget(user: Pick<MailUser, 'userId' | 'username'>): void;
  /** Shows a user's new first name from now on, if they are cached. */
  update(user: Pick<MailUser, 'userId' | 'username' | 'firstName'>): void;
}

/** What the directory asks auth: `POST /auth/internal/users/lookup`. */
export type LookupUsers = (request: { usernames?: string[]; userIds?: string[] }, trace?: TraceContext) => Promise<MailUser[]>;

/** Options of createUserDirectory. */
export interface UserDirectoryOptions {
  readonly lookup: LookupUsers;
  /** How long a verified user is kept. @default 30000 */
  readonly ttlMs?: number;
  /** Users kept at most. @default 10000 */
  readonly max?: number;
}

/**
 * A directory over auth's lookup with a short-lived LRU of verified users (by name and by id).
 * Unknown and unverified users are never cached, so a user who verifies gets mail at once.
 */
export function createUserDirectory(options: UserDirectoryOptions): UserDirectory & DirectoryCache {
  const cache = new LRUCache<string, MailUser>({ max: options.max ?? 10_000, ttl: options.ttlMs ?? 30_000 });
  const remember = (users: readonly MailUser[]) => {
    for (const user of users) {
      if (!user.verified) continue;
      cache.set(`name:${user.username}`, user);
      cache.set(`id:${user.userId}`, user);
    }
  };
  return {
    forget(user) {
      cache.delete(`name:${user.username}`);
      cache.delete(`id:${user.userId}`);
    },
    update(user) {
      const cached = cache.get(`id:${user.userId}`) ?? cache.get(`name:${user.username}`);
      if (cached) remember([{ ...cached, firstName: user.firstName }]);
    },
    async byUsernames(usernames, trace) {
      const found = new Map<string, MailUser>();
      const missing: string[] = [];
      for (const username of new Set(usernames)) {
        const cached = cache.get(`name:${username}`);
        if (cached) found.set(username, cached);
        else missing.push(username);
      }
      if (missing.length > 0) {
        const users = await options.lookup({ usernames: missing }, trace);
        remember(users);
        for (const user of users) if (user.verified && missing.includes(user.username)) found.set(user.username, user);
      }
      return found;
    },
    async byId(userId, trace) {
      const cached = cache.get(`id:${userId}`);
      if (cached) return cached;
      const users = await options.lookup({ userIds: [userId] }, trace);
      remember(users);
      return users.find((user) => user.userId === userId && user.verified);
    },
  };
}

/** Looks users up on some auth instance through the registry (the kit's service caller). */
export function createAuthLookup(caller: ServiceCaller, timeoutMs = 2000): LookupUsers {
  return async (request, trace) => {
    let answer;
    try {
      answer = await caller.call<{ users?: MailUser[] }>({
        service: 'auth',
        method: 'POST',
        path: '/auth/internal/users/lookup',
        body: request,
        timeoutMs,
        ...(trace ? { trace } : {}),
      });
    } catch (error) {
      throw new UserLookupError('auth could not be reached', { cause: error });
    }
    if (answer.status !== 200 || !Array.isArray(answer.body?.users)) throw new UserLookupError(`auth answered ${answer.status}`);
    return answer.body.users;
  };
}
