import type { Server } from 'node:http';
import type { RouteSpec } from '../contract/registry-api.js';
import { appliedEventsRoute } from '../kit/events/applied-events-route.js';
import { openConsumerStore } from '../kit/events/consumer-store.js';
import type { ServiceAppOptions } from '../kit/http/app-options.js';
import { createHttpServer } from '../kit/http/server.js';
import { databaseHealthRoute } from '../kit/http/health.js';
import { defineRoute, Router } from '../kit/http/router.js';
import { createMailer } from './delivery.js';
import type { MailDeps } from './deps.js';
import { mailErrors } from './errors.js';
import type { MailFilters } from './filter-seam.js';
import { createContactRoutes } from './routes/contact-routes.js';
import { createGroupRoutes } from './routes/group-routes.js';
import { createInternalRoutes } from './routes/internal-routes.js';
import { createMessageRoutes } from './routes/message-routes.js';
import { createSearchRoutes } from './routes/search-routes.js';
import { createSendRoutes } from './routes/send-routes.js';
import { sendBodyLimit } from './schemas.js';
import type { MailStore } from './store.js';
import type { UserDirectory } from './users.js';

/** Everything under `/mail` needs a signed-in user; sending allows 10 MiB bodies (attachments); `/mail/internal` takes service tokens only. */
export const mailRouteSpecs: readonly RouteSpec[] = Object.freeze([
  { prefix: '/mail', access: 'protected' },
  { prefix: '/mail/send', access: 'protected', bodyLimit: sendBodyLimit },
  { prefix: '/mail/internal', access: 'internal' },
] satisfies RouteSpec[]);

/** Options of createMailApp. */
export interface MailAppOptions extends ServiceAppOptions {
  readonly store: MailStore;
  /** Users by name and id (main.ts: auth's internal lookup behind an LRU). */
  readonly users: UserDirectory;
  /** Spam filter and virus scanner (main.ts: `filters/`; tests: fakes). */
  readonly filters: MailFilters;
  /** Body limit of every route but `/mail/send`. @default 1048576 */
}

/** The built, unstarted mail service. */
export interface MailApp {
  readonly server: Server;
  readonly routes: readonly RouteSpec[];
}

/**
 * Builds mail's HTTP server: sending, mailboxes, messages, search, contacts and groups for the
 * user in `x-user-id`, and `/health`. Nothing listens until the caller does.
 */
export function createMailApp(options: MailAppOptions): MailApp {
  const { store, users, filters, telemetry } = options;
  const clock = options.clock ?? Date.now;
  const mailer = createMailer({ store, users, filters, telemetry, clock });
  const deps: MailDeps = { store, users, mailer, filters, telemetry, clock };
  const health = databaseHealthRoute(() => store.ping(), mailErrors.MAIL_DB_UNAVAILABLE);
  const router = new Router().add(
    ...createSendRoutes(deps),
    ...createMessageRoutes(deps),
    ...createSearchRoutes(deps),
    ...createContactRoutes(deps),
    ...createGroupRoutes(deps),
    ...createInternalRoutes(deps),
    appliedEventsRoute({ service: 'mail', scope: 'mail.events', store: options.appliedEvents ?? openConsumerStore(store.db) }),
    health,
  );
  const server = createHttpServer({ router, telemetry, serviceAuth: options.serviceAuth, identity: options.identity, registered: mailRouteSpecs, ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }) });
  return { server, routes: mailRouteSpecs };
}
