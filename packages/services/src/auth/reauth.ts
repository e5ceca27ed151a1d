import type { IdentityClaims } from '../contract/identity.js';
import type { AuthDeps } from './deps.js';
import { authErrors } from './errors.js';
import { verifyPassword } from './passwords.js';
import type { UserRecord } from './records.js';

/** How recent a login must be for a privileged change without the password (Ory Kratos' `privileged_session_max_age`). */
export const reauthPolicy = Object.freeze({ maxLoginAgeMs: 5 * 60_000 });

/** A privileged change asked for by a user. */
export interface ReauthRequest {
  readonly user: UserRecord;
  /** The gateway's identity assertion: it names the access token (`tokenJti`) the request came with. */
  readonly identity: IdentityClaims | undefined;
  /** The password sent again in the body, if any. */
  readonly password: string | undefined;
}

/**
 * Re-authentication before a change to how the account logs in (OWASP ASVS 4.0.3 §3.7.1: "full,
 * valid login session or re-authentication … before allowing any sensitive transactions or
 * account modifications"; Ory Kratos' privileged sessions): enrolling, confirming or removing
 * the authenticator, and regenerating recovery codes. An access token alone must not be enough,
 * or whoever steals one replaces the owner's authenticator.
 *
 * Passes when the body carries the account's password, or else when the access token of the
 * request belongs to a login younger than 5 minutes: its `auth_time` (RFC 9068 §2.2.1, OIDC
 * Core §2), the time of the password and second factor, kept across refreshes. The time is
 * read from auth's own record of the token the gateway vouched for (`at_jti`), never from
 * anything the client sends. Otherwise 403 AUTH_REAUTHENTICATION_REQUIRED.
 *
 * A password is checked as at login, throttled per account (login-throttle.ts): 429 while the
 * account is locked, and a wrong one (401 AUTH_PASSWORD_WRONG) counts as a failed login. A right
 * one is no success either (it is refunded, not reset), so the authenticator code that often
 * follows cannot be guessed on by sending the password each time.
 */
export async function requireReauthentication(deps: Pick<AuthDeps, 'store' | 'clock'>, request: ReauthRequest): Promise<void> {
  const { store, clock } = deps;
  const { user, identity, password } = request;
  if (password !== undefined) {
    const attempt = store.throttle.attempt(user.username, clock());
    if (!(await verifyPassword(password, user.passwordHash))) throw authErrors.AUTH_PASSWORD_WRONG();
    attempt.refund();
    return;
  }
  const token = identity === undefined ? undefined : store.accessByJti(identity.tokenJti);
  const loginAt = token && token.userId === user.id && token.revokedAt === null ? token.authTime : null;
  if (loginAt === null || clock() - loginAt * 1000 >= reauthPolicy.maxLoginAgeMs) throw authErrors.AUTH_REAUTHENTICATION_REQUIRED();
}
