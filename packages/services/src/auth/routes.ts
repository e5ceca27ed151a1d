import type { RouteSpec } from '../contract/registry-api.js';
import type { Route } from '../kit/http/router.js';
import { createAccountRoutes } from './account-routes.js';
import type { AuthDeps } from './deps.js';
import { createInternalRoutes } from './internal-routes.js';
import { createRegistrationRoutes } from './registration-routes.js';
import { createSessionRoutes } from './session-routes.js';
import { createTokenRoutes } from './token-routes.js';
import { createTotpRoutes } from './totp-routes.js';

/**
 * The prefixes auth registers with the registry. Everything under `/auth` needs a token
 * except the steps that lead to one (`/auth/totp/*` is protected: enrolling needs a login);
 * introspection and `/auth/internal` (user lookup, event log, the simulated authenticator) are
 * for services only.
 */
export const authRouteSpecs: readonly RouteSpec[] = Object.freeze([
  { prefix: '/auth', access: 'protected' },
  { prefix: '/auth/register', access: 'public' },
  { prefix: '/auth/verify', access: 'public' },
  { prefix: '/auth/resend', access: 'public' },
  { prefix: '/auth/login', access: 'public' },
  { prefix: '/auth/refresh', access: 'public' },
  { prefix: '/auth/.well-known', access: 'public' },
  { prefix: '/auth/introspect', access: 'internal' },
  { prefix: '/auth/internal', access: 'internal' },
  // The client-credentials token endpoint: service to service, authenticated by the client's secret.
  { prefix: '/auth/oauth', access: 'internal' },
] satisfies RouteSpec[]);

/** Every HTTP route of auth. */
export function createAuthRoutes(deps: AuthDeps): Route[] {
  return [
    ...createRegistrationRoutes(deps),
    ...createSessionRoutes(deps),
    ...createTokenRoutes(deps),
    ...createAccountRoutes(deps),
    ...createInternalRoutes(deps),
    ...createTotpRoutes(deps),
  ];
}
