import { databaseHealthRoute } from '../kit/http/health.js';
import { reply } from '../kit/http/reply.js';
import { defineRoute, type Route } from '../kit/http/router.js';
import { accountView, currentUser } from './current-user.js';
import type { AuthDeps } from './deps.js';
import { authErrors } from './errors.js';
import { introspectBody } from './schemas.js';
import { hashToken } from '../kit/token-cache/token-facts.js';

/** `POST /auth/introspect`, `GET /auth/.well-known/jwks.json`, `GET /auth/me` and `GET /health`. */
export function createTokenRoutes(deps: AuthDeps): Route[] {
  const { store, tokens, events } = deps;

  // RFC 7662: anything that is not a good token is simply inactive, never an error.
  // A gateway or sidecar introspects when the global cache had no state for the token: auth, its only writer, puts it back.
  const introspect = defineRoute({
    method: 'POST',
    path: '/auth/introspect',
    scope: 'auth.introspect',
    body: introspectBody,
    async handler({ body, attributes, trace }) {
      const info = await tokens.introspect(body.token);
      attributes.active = info !== undefined;
      if (!info) return { active: false };
      const { sub, username, jti, exp, iat } = info;
      if (body.cacheMiss) events.refilled({ jti, userId: sub, username, exp, tokenHash: hashToken(body.token) }, trace);
      return { active: true, sub, username, jti, exp, iat };
    },
  });

  const jwks = defineRoute({
    method: 'GET',
    path: '/auth/.well-known/jwks.json',
    handler: () => reply(200, tokens.jwks(), { 'cache-control': 'public, max-age=300' }),
  });

  const me = defineRoute({
    method: 'GET',
    path: '/auth/me',
    handler: (ctx) => accountView(currentUser(store, ctx)),
  });

  const health = databaseHealthRoute(() => store.ping(), authErrors.AUTH_DB_UNAVAILABLE);

  return [introspect, jwks, me, health];
}
