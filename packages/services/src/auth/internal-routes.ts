import { defineRoute, type Route } from '../kit/http/router.js';
import type { AuthDeps } from './deps.js';
import type { UserRecord } from './records.js';
import { eventLogQuery, lookupBody } from './schemas.js';

/** A user as other services see it: no password hash, no phone. */
export interface PublicUser {
  readonly userId: string;
  readonly username: string;
  readonly firstName: string;
  readonly verified: boolean;
}

/**
 * `POST /auth/internal/users/lookup { usernames?, userIds? }` → `{ users }`: the users found,
 * each once, in no particular order (unknown names and ids are simply absent). Registered under
 * the internal prefix `/auth/internal`, so the gateway never exposes it.
 *
 * `GET /auth/internal/events?after=SEQ&limit=N` (scope `auth.events.read`) → `EventLogPage`:
 * the outbox read as the event log, for consumers catching up and for `topolab events`.
 *
 * `GET /auth/internal/authenticator/:username` (scope `auth.authenticator`, the simulated
 * authenticator app) lives with the other TOTP routes in totp-routes.ts.
 */
export function createInternalRoutes(deps: AuthDeps): Route[] {
  const { store } = deps;
  const lookup = defineRoute({
    method: 'POST',
    path: '/auth/internal/users/lookup',
    scope: 'auth.users.read',
    body: lookupBody,
    handler({ body, attributes }) {
      const found = new Map<string, PublicUser>();
      const add = (user: UserRecord | undefined) => {
        if (user) found.set(user.id, { userId: user.id, username: user.username, firstName: user.firstName, verified: user.verified });
      };
      // Usernames are stored lower-case; a lookup by any spelling finds them.
      for (const username of new Set(body.usernames ?? [])) add(store.userByName(username.toLowerCase()));
      for (const userId of new Set(body.userIds ?? [])) add(store.userById(userId));
      attributes.found = found.size;
      return { users: [...found.values()] };
    },
  });
  const eventLog = defineRoute({
    method: 'GET',
    path: '/auth/internal/events',
    query: eventLogQuery,
    scope: 'auth.events.read',
    handler({ query, attributes }) {
      const page = store.events.page(query.after, query.limit);
      attributes.events = page.events.length;
      return page;
    },
  });
  return [lookup, eventLog];
}
