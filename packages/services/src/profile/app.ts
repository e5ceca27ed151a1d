import type { Server } from 'node:http';
import type { RouteSpec } from '../contract/registry-api.js';
import { appliedEventsRoute } from '../kit/events/applied-events-route.js';
import { openConsumerStore } from '../kit/events/consumer-store.js';
import { multiLineText, singleLineText } from '../kit/http/free-text.js';
import { createHttpServer, databaseHealthRoute, defineRoute, reply, requireUser, Router } from '../kit/http/index.js';
import type { ServiceAppOptions } from '../kit/http/app-options.js';
import { profileErrors } from './errors.js';
import { createLookupRoutes } from './lookup-routes.js';
import type { ProfileStore } from './store.js';
import * as z from '../kit/zod.js';

/** What createProfileApp needs. */
export interface ProfileAppOptions extends ServiceAppOptions {
  readonly store: ProfileStore;
}

/** Every profile route needs a signed-in user; the gateway names it in `x-user-id`. */
export const profileRoutes: readonly RouteSpec[] = [
  { prefix: '/profile', access: 'protected' },
  // Service to service only (a service token): the domain events applied, profiles by id for graphql.
  { prefix: '/profile/internal', access: 'internal' },
];

// Free text (kit/http/free-text.ts): the bio and the signature may hold lines (the signature,
// going into mail bodies, CRLF too); the display name and location are one line each.
const displayName = singleLineText({ min: 1, max: 64, trim: true });
const bio = multiLineText({ max: 500, trim: true });
const location = singleLineText({ max: 100, trim: true });

const createBody = z.strictObject({ displayName, bio: z._default(bio, ''), location: z._default(location, '') });
const updateBody = z
  .strictObject({ displayName: z.optional(displayName), bio: z.optional(bio), location: z.optional(location) })
  .check(z.refine((fields) => Object.values(fields).some((value) => value !== undefined), 'name at least one field to change'));
const preferencesBody = z.strictObject({
  language: z.string().check(z.regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a language tag such as en or pt-BR')),
  theme: z.enum(['light', 'dark', 'system']),
  signature: multiLineText({ max: 500, crlf: true }),
  notifications: z.strictObject({ email: z.boolean(), sms: z.boolean() }),
});

/** Builds the profile service: createProfile, update-profile, read and preferences for the user in `x-user-id`. */
export function createProfileApp(options: ProfileAppOptions): { server: Server; routes: readonly RouteSpec[] } {
  const { store, telemetry } = options;
  const clock = options.clock ?? Date.now;
  const router = new Router().add(
    defineRoute({
      method: 'POST',
      path: '/profile',
      body: createBody,
      handler: (ctx) => {
        const userId = requireUser(ctx);
        const profile = store.create(userId, ctx.body, clock());
        if (!profile) throw profileErrors.PROFILE_EXISTS();
        telemetry.event('profile.created', { userId });
        return reply(201, { profile, preferences: store.getPreferences(userId) });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/profile/update',
      body: updateBody,
      handler: (ctx) => {
        const userId = requireUser(ctx);
        const profile = store.update(userId, ctx.body, clock());
        if (!profile) throw profileErrors.PROFILE_NOT_FOUND();
        return { profile };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/profile/me',
      handler: (ctx) => {
        const userId = requireUser(ctx);
        const profile = store.get(userId);
        if (!profile) throw profileErrors.PROFILE_NOT_FOUND();
        return { profile, preferences: store.getPreferences(userId) };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/profile/preferences',
      body: preferencesBody,
      handler: (ctx) => {
        const userId = requireUser(ctx);
        if (!store.setPreferences(userId, ctx.body, clock())) throw profileErrors.PROFILE_NOT_FOUND();
        return { preferences: store.getPreferences(userId) };
      },
    }),
    ...createLookupRoutes(store),
    appliedEventsRoute({ service: 'profile', scope: 'profile.events', store: options.appliedEvents ?? openConsumerStore(store.db) }),
    databaseHealthRoute(() => store.ping(), profileErrors.PROFILE_DB_UNAVAILABLE),
  );
  const server = createHttpServer({ router, telemetry, serviceAuth: options.serviceAuth, identity: options.identity, registered: profileRoutes, ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}) });
  return { server, routes: profileRoutes };
}

