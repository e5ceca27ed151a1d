import type { IncomingMessage } from 'node:http';
import type { JWTPayload, JWTVerifyOptions } from 'jose';
import { LRUCache } from 'lru-cache';
import { defineErrors } from '../errors.js';
import { readBearerToken } from '../http/identity.js';
import type { TraceContext } from '../trace.js';
import type { AuthKeySet } from './key-set.js';

/** What a valid service token says. */
export interface ServiceTokenClaims {
  /** The calling instance (`mail#1`, `control`). */
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** Epoch seconds. */
  readonly exp: number;
}

/** Checks service tokens addressed to one service (the audience). */
export interface ServiceGuard {
  /** This service's name: the `aud` a token must carry. */
  readonly audience: string;
  /** The claims when `token` is a valid service token for this audience; undefined otherwise. Throws HTTP_SERVICE_AUTH_UNAVAILABLE when auth's keys cannot be had. */
  verify(token: string, trace?: TraceContext): Promise<ServiceTokenClaims | undefined>;
}

/** Codes of the service-token check, answered by any service with internal routes. */
export const serviceAuthErrors = defineErrors({
  HTTP_SERVICE_TOKEN_MISSING: [401, 'This internal route needs a service token.', 'Internal routes are service to service: get a token from auth with the client-credentials grant.'],
  HTTP_SERVICE_TOKEN_INVALID: [401, 'The service token is not valid for this service.', 'Get a fresh token for this audience from auth; a user token is not a service token.'],
  HTTP_SERVICE_SCOPE_MISSING: [403, 'The service token lacks the scope this route needs.', 'See WWW-Authenticate for the scope; contract/service-auth.ts lists who is granted what.'],
  HTTP_SERVICE_AUTH_UNAVAILABLE: [503, "Service tokens cannot be checked: auth's keys are unavailable.", 'Check that an auth instance is running.'],
});

/** Verify options of a service token for `audience` (RFC 9068 profile, as auth signs them). */
export function serviceTokenVerifyOptions(audience: string): JWTVerifyOptions {
  return { algorithms: ['EdDSA'], issuer: 'topolab-auth', audience, typ: 'at+jwt', requiredClaims: ['sub', 'client_id', 'scope', 'jti', 'iat', 'exp'] };
}

/** The claims of a verified payload, or undefined when one is missing or of the wrong type. */
export function serviceClaimsOf(payload: JWTPayload | undefined): ServiceTokenClaims | undefined {
  if (!payload) return undefined;
  const { client_id: clientId, scope, exp, sub } = payload as JWTPayload & { client_id?: unknown; scope?: unknown };
  if (typeof clientId !== 'string' || clientId !== sub || typeof scope !== 'string' || typeof exp !== 'number') return undefined;
  return { clientId, scopes: scope.split(' ').filter(Boolean), exp };
}

/** A guard that checks tokens against auth's published keys (every service but auth). */
export function createServiceGuard(audience: string, keySet: AuthKeySet): ServiceGuard {
  const verifyOptions = serviceTokenVerifyOptions(audience);
  return rememberVerdicts({
    audience,
    verify: async (token, trace) => serviceClaimsOf(await keySet.verify(token, verifyOptions, trace)),
  });
}

/**
 * Keeps each valid token's claims until it expires, so a caller that sends the same token for
 * five minutes costs one signature check, not one per call. Invalid tokens are not kept (a
 * flood of forged ones must not push out the good ones).
 */
export function rememberVerdicts(guard: ServiceGuard, clock: () => number = Date.now): ServiceGuard {
  const verdicts = new LRUCache<string, ServiceTokenClaims>({ max: 1000 });
  return {
    audience: guard.audience,
    async verify(token, trace) {
      const known = verdicts.get(token);
      if (known && known.exp * 1000 > clock()) return known;
      const claims = await guard.verify(token, trace);
      if (claims) verdicts.set(token, claims, { ttl: Math.max(1, claims.exp * 1000 - clock()) });
      return claims;
    },
  };
}

/**
 * Checks that `req` carries a service token for the guard's audience with `scope`; returns the
 * caller's client id. 401 with `WWW-Authenticate: Bearer` (RFC 6750 §3) without a token or with
 * an invalid one, 403 `insufficient_scope` when the scope is missing.
 */
export async function requireServiceToken(guard: ServiceGuard, req: IncomingMessage, scope: string, trace?: TraceContext): Promise<ServiceTokenClaims> {
  const realm = `realm="topolab-internal"`;
  const token = readBearerToken(req.headers.authorization);
  if (!token) throw serviceAuthErrors.HTTP_SERVICE_TOKEN_MISSING({ headers: { 'www-authenticate': `Bearer ${realm}, scope="${scope}"` } });
  let claims: ServiceTokenClaims | undefined;
  try {
    claims = await guard.verify(token, trace);
  } catch (error) {
    throw serviceAuthErrors.HTTP_SERVICE_AUTH_UNAVAILABLE({ cause: error });
  }
  if (!claims) throw serviceAuthErrors.HTTP_SERVICE_TOKEN_INVALID({ headers: { 'www-authenticate': `Bearer ${realm}, error="invalid_token"` } });
  if (!claims.scopes.includes(scope)) {
    throw serviceAuthErrors.HTTP_SERVICE_SCOPE_MISSING({
      message: `The service token of ${claims.clientId} lacks the scope ${scope}.`,
      headers: { 'www-authenticate': `Bearer ${realm}, error="insufficient_scope", scope="${scope}"` },
    });
  }
  return claims;
}
