import { httpErrors } from '../errors.js';

/**
 * The user the gateway named in `x-user-id` (the request context's `userId`), or 401
 * HTTP_UNAUTHENTICATED: a protected route reached without the gateway's identity.
 */
export function requireUser(ctx: { readonly userId: string | undefined }): string {
  if (!ctx.userId) throw httpErrors.HTTP_UNAUTHENTICATED();
  return ctx.userId;
}
