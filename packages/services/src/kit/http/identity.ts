import { httpErrors } from '../errors.js';

/**
 * The user the gateway named in `x-user-id` (the request context's `userId`), or 401
 * HTTP_UNAUTHENTICATED: a protected route reached without the gateway's identity.
 */
export function requireUser(ctx: { readonly userId: string | undefined }): string {
  if (!ctx.userId) throw httpErrors.HTTP_UNAUTHENTICATED();
  return ctx.userId;
}

// RFC 6750 §2.1: `Bearer` and a b64token.
const bearer = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The token of an `Authorization: Bearer <token>` header; undefined when absent or malformed. */
export function readBearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  return bearer.exec(authorization)?.[1];
}

/**
 * The identity headers only the gateway sets (it drops any a client sends): the user, and for
 * a WebSocket handshake the access token it was opened with — its jti and expiry (epoch
 * seconds), never the token — so a service can end the socket when that token is revoked or expires.
 */
export const identityHeaders = Object.freeze({
  userId: 'x-user-id',
  tokenId: 'x-token-id',
  tokenExpires: 'x-token-exp',
} as const);
