import type { ServiceCaller } from '../kit/discovery/service-caller.js';
import type { TraceContext } from '../kit/trace.js';
import { graphqlErrors } from './errors.js';

/** A user as auth's internal lookup describes them. */
export interface UpstreamUser {
  readonly userId: string;
  readonly username: string;
  readonly firstName: string;
  readonly verified: boolean;
}

/** A profile as profile's internal lookup returns it. */
export interface UpstreamProfile {
  readonly userId: string;
  readonly displayName: string;
  readonly bio: string;
  readonly location: string;
}

/** A message of mail's internal inbox listing; `from.userId` names the sending user (absent for the postmaster). */
export interface UpstreamMessage {
  readonly id: number;
  readonly subject: string;
  readonly snippet: string;
  readonly sentAt: number;
  readonly read: boolean;
  readonly from: { readonly address: string; readonly name?: string; readonly userId?: string };
}

/** The internal routes the resolvers read, each one call through discovery (with a service token). */
export interface Upstream {
  /** `POST /auth/internal/users/lookup { userIds }`: the users found, any order. */
  users(userIds: readonly string[], trace?: TraceContext): Promise<UpstreamUser[]>;
  /** `POST /profile/internal/profiles/lookup { userIds }`: the profiles found, any order. */
  profiles(userIds: readonly string[], trace?: TraceContext): Promise<UpstreamProfile[]>;
  /** `GET /mail/internal/inbox?userId=&limit=`: newest first. */
  inbox(userId: string, limit: number, trace?: TraceContext): Promise<UpstreamMessage[]>;
}

/** Options of createUpstream. */
export interface UpstreamOptions {
  readonly caller: ServiceCaller;
  /** How long one call may take. @default 2000 */
  readonly timeoutMs?: number;
}

/** Creates the upstream calls; a failure or an unexpected answer is GRAPHQL_UPSTREAM_UNAVAILABLE (naming the service, never its body). */
export function createUpstream(options: UpstreamOptions): Upstream {
  const { caller } = options;
  const timeoutMs = options.timeoutMs ?? 2000;

  async function fetchList<T>(service: string, method: 'GET' | 'POST', path: string, key: string, body: unknown, trace?: TraceContext): Promise<T[]> {
    let answer;
    try {
      answer = await caller.call<Record<string, unknown>>({ service, method, path, ...(body === undefined ? {} : { body }), timeoutMs, ...(trace ? { trace } : {}) });
    } catch (error) {
      throw graphqlErrors.GRAPHQL_UPSTREAM_UNAVAILABLE({ message: `${service} could not be reached.`, cause: error });
    }
    const list = answer.status === 200 ? answer.body?.[key] : undefined;
    if (!Array.isArray(list)) throw graphqlErrors.GRAPHQL_UPSTREAM_UNAVAILABLE({ message: `${service} answered ${answer.status}.` });
    return list as T[];
  }

  return {
    users: (userIds, trace) => fetchList<UpstreamUser>('auth', 'POST', '/auth/internal/users/lookup', 'users', { userIds }, trace),
    profiles: (userIds, trace) => fetchList<UpstreamProfile>('profile', 'POST', '/profile/internal/profiles/lookup', 'profiles', { userIds }, trace),
    inbox: (userId, limit, trace) =>
      fetchList<UpstreamMessage>('mail', 'GET', `/mail/internal/inbox?${new URLSearchParams({ userId, limit: String(limit) })}`, 'messages', undefined, trace),
  };
}
