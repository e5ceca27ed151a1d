import type { AppliedEventsPage } from '../../contract/events-api.js';
import type { ServiceScope } from '../../contract/service-auth.js';
import { defineRoute, type Route } from '../http/router.js';
import type { ConsumerStore } from './consumer-store.js';
import * as z from '../zod.js';

/** Options of appliedEventsRoute. */
export interface AppliedEventsRouteOptions {
  /** The consuming service: the route is `GET /<service>/internal/events/applied`. */
  readonly service: string;
  /** The service-token scope it needs (`profile.events`). */
  readonly scope: ServiceScope;
  readonly store: Pick<ConsumerStore, 'cursor' | 'page'>;
}

/** The path of a service's applied-events route. */
export function appliedEventsPath(service: string): string {
  return `/${service}/internal/events/applied`;
}

const appliedQuery = z.object({
  after: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)), 0),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(1000)), 100),
});

/**
 * `GET /<service>/internal/events/applied?after=SEQ&limit=N` → `AppliedEventsPage`: the
 * events the service applied above `after`, oldest first, and its cursor (for `topolab
 * events` and the scenarios measuring consistency). Internal: it needs a service token.
 */
export function appliedEventsRoute(options: AppliedEventsRouteOptions): Route {
  const { service, store } = options;
  return defineRoute({
    method: 'GET',
    path: appliedEventsPath(service),
    scope: options.scope,
    query: appliedQuery,
    handler: ({ query }): AppliedEventsPage => ({ service, events: store.page(query.after, query.limit), cursor: store.cursor() }),
  });
}
