import { requireUser } from '../kit/http/identity.js';
import { authErrors } from './errors.js';
import type { UserRecord } from './records.js';
import type { AuthStore } from './store.js';

/** A user as `GET /auth/me` and `PATCH /auth/me` show them to themselves. */
export interface AccountView {
  readonly userId: string;
  readonly username: string;
  readonly firstName: string;
  readonly phone: string;
  readonly verified: boolean;
}

/** What the user sees of their own account. */
export function accountView(user: UserRecord): AccountView {
  return { userId: user.id, username: user.username, firstName: user.firstName, phone: user.phone, verified: user.verified };
}

/**
 * The user a protected route serves (the one of the gateway's identity assertion): 401
 * HTTP_IDENTITY_UNVERIFIED without one, 404 AUTH_USER_UNKNOWN when the account is gone meanwhile.
 */
export function currentUser(store: Pick<AuthStore, 'userById'>, ctx: Parameters<typeof requireUser>[0]): UserRecord {
  const user = store.userById(requireUser(ctx));
  if (!user) throw authErrors.AUTH_USER_UNKNOWN();
  return user;
}
