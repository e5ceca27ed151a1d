import { identityChallenge } from '../../contract/identity.js';
import { httpErrors, type ServiceError } from '../errors.js';

/** 401 HTTP_IDENTITY_UNVERIFIED with its `WWW-Authenticate` challenge (RFC 9110 §11.6.1). */
export function identityUnverified(): ServiceError {
  return httpErrors.HTTP_IDENTITY_UNVERIFIED({ headers: { 'www-authenticate': identityChallenge } });
}

/**
 * The user of a request whose gateway identity assertion verified (the request context's
 * `userId`), or 401 HTTP_IDENTITY_UNVERIFIED: a protected route reached without one (directly,
 * with a bare `x-user-id`, say). The span notes `identity: refused`.
 */
export function requireUser(ctx: { readonly userId: string | undefined; readonly attributes?: Record<string, string | number | boolean> }): string {
  if (ctx.userId) return ctx.userId;
  if (ctx.attributes) ctx.attributes.identity = 'refused';
  throw identityUnverified();
}

// RFC 6750 §2.1: `Bearer` and a b64token.
const bearer = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The token of an `Authorization: Bearer <token>` header; undefined when absent or malformed. */
export function readBearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  return bearer.exec(authorization)?.[1];
}
