import { requireUser } from '../kit/http/identity.js';
import { defineRoute, type Route } from '../kit/http/router.js';
import { profileErrors } from './errors.js';
import type { ProfileStore } from './store.js';
import * as z from '../kit/zod.js';

const lookupBody = z.strictObject({ userIds: z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1), z.maxLength(500)) });

/**
 * Reading other users' profiles:
 * - `POST /profile/internal/profiles/lookup { userIds }` (scope `profile.read`) → `{ profiles }`:
 *   the profiles found, each once, any order; unknown ids are simply absent. One call for a
 *   whole page of senders (the graphql service's loader).
 * - `GET /profile/users/:userId` (any signed-in user) → `{ profile: { userId, displayName } }`:
 *   the public part only, one user per call (what a client without GraphQL does per sender).
 */
export function createLookupRoutes(store: Pick<ProfileStore, 'get' | 'getMany'>): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/profile/internal/profiles/lookup',
      scope: 'profile.read',
      body: lookupBody,
      handler({ body, attributes }) {
        const profiles = store.getMany([...new Set(body.userIds)]).map(({ userId, displayName, bio, location }) => ({ userId, displayName, bio, location }));
        attributes.batch = body.userIds.length;
        attributes.found = profiles.length;
        return { profiles };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/profile/users/:userId',
      handler(ctx) {
        requireUser(ctx);
        const profile = store.get(ctx.params.userId ?? '');
        if (!profile) throw profileErrors.PROFILE_USER_NOT_FOUND();
        return { profile: { userId: profile.userId, displayName: profile.displayName } };
      },
    }),
  ];
}
