import { reply } from '../kit/http/reply.js';
import { defineRoute, type Route } from '../kit/http/router.js';
import { currentUser } from './current-user.js';
import type { AuthDeps } from './deps.js';
import { authErrors } from './errors.js';
import type { UserRecord } from './records.js';
import { authenticatorQuery, totpCodeBody } from './schemas.js';
import { createTotpSecret, totpCode, totpPolicy, totpSecondsLeft, totpStep, totpUri } from './totp.js';
import { acceptTotpCode, type TotpState } from './totp-verify.js';

/** `POST /auth/totp/enroll` answer: what an authenticator app needs (usually shown as a QR code of `uri`). */
export interface TotpEnrolment {
  /** Base32, 160 bits. */
  readonly secret: string;
  /** `otpauth://totp/topolab:<username>?secret=…&issuer=topolab&algorithm=SHA1&digits=6&period=30`. */
  readonly uri: string;
  readonly algorithm: 'SHA1';
  readonly digits: number;
  readonly period: number;
}

/** `GET /auth/internal/authenticator/:username` answer: what the user's (simulated) authenticator app shows now. */
export interface AuthenticatorView {
  readonly username: string;
  readonly code: string;
  /** The RFC 6238 time step the code belongs to. */
  readonly step: number;
  /** Seconds until the next code. */
  readonly validForS: number;
}

// Secrets and codes must not stay in any cache on the way.
const noStore = { 'cache-control': 'no-store' };

/**
 * The authenticator (TOTP, RFC 6238) second factor. For the user the gateway names (`x-user-id`):
 *
 * - `POST /auth/totp/enroll` → 201 `TotpEnrolment`: a new pending secret, replacing a pending
 *   one; 409 AUTH_TOTP_ENROLLED when one is confirmed already.
 * - `POST /auth/totp/confirm { code }` → `{ enabled: true }`: the first code of the app turns it
 *   on; from then on `POST /auth/login` answers `{ challenge: "totp" }` and sends no SMS.
 *   404 AUTH_TOTP_NOT_ENROLLED without a pending secret, 401 AUTH_TOTP_INVALID / AUTH_TOTP_REUSED.
 * - `DELETE /auth/totp { code }` → 204: a current code turns it off again (login texts codes again).
 *
 * Wrong codes count as failed logins of the account (login-throttle.ts), so these answer 429
 * AUTH_LOGIN_THROTTLED with `Retry-After` while it is locked.
 *
 * `GET /auth/internal/authenticator/:username[?offset=-2..2]` (scope `auth.authenticator`,
 * granted to the runtime only) → `AuthenticatorView`: the simulated authenticator app of
 * `topolab authenticator`, as the SMS service is the simulated phone carrier; `offset` puts its
 * clock that many steps ahead (or behind). 404 AUTH_USER_UNKNOWN, AUTH_TOTP_NOT_ENROLLED.
 */
export function createTotpRoutes(deps: AuthDeps): Route[] {
  const { store, telemetry, clock } = deps;

  /** Checks `code` against the user's secret (`state`: only a pending one, or any) as a counted attempt of the account, and runs `effect` in the same transaction. */
  function acceptCode(user: UserRecord, code: string, state: TotpState, effect: (now: number) => void): void {
    const now = clock();
    const attempt = store.throttle.attempt(user.username, now);
    acceptTotpCode(store, { userId: user.id, code, now, state }, () => effect(now));
    attempt.succeeded();
  }

  const enroll = defineRoute({
    method: 'POST',
    path: '/auth/totp/enroll',
    handler(ctx) {
      const user = currentUser(store, ctx);
      const secret = createTotpSecret();
      if (!store.totp.savePending(user.id, secret, clock())) throw authErrors.AUTH_TOTP_ENROLLED();
      telemetry.event('auth.totp.enrolled', { userId: user.id });
      const { digits, periodS } = totpPolicy;
      const enrolment: TotpEnrolment = { secret, uri: totpUri(user.username, secret), algorithm: 'SHA1', digits, period: periodS };
      return reply(201, enrolment, noStore);
    },
  });

  const confirm = defineRoute({
    method: 'POST',
    path: '/auth/totp/confirm',
    body: totpCodeBody,
    handler(ctx) {
      const { body } = ctx;
      const user = currentUser(store, ctx);
      const credential = store.totp.credential(user.id);
      // Checked before the throttle, so only a code is ever counted as a failure.
      if (!credential) throw authErrors.AUTH_TOTP_NOT_ENROLLED();
      if (credential.confirmedAt !== null) throw authErrors.AUTH_TOTP_ENROLLED();
      acceptCode(user, body.code, 'pending', (now) => store.totp.markConfirmed(user.id, now));
      telemetry.event('auth.totp.confirmed', { userId: user.id });
      telemetry.info('authenticator enabled', { userId: user.id });
      return { enabled: true };
    },
  });

  const remove = defineRoute({
    method: 'DELETE',
    path: '/auth/totp',
    body: totpCodeBody,
    handler(ctx) {
      const { body } = ctx;
      const user = currentUser(store, ctx);
      if (!store.totp.credential(user.id)) throw authErrors.AUTH_TOTP_NOT_ENROLLED();
      acceptCode(user, body.code, 'any', () => store.totp.remove(user.id));
      telemetry.event('auth.totp.removed', { userId: user.id });
      telemetry.info('authenticator disabled', { userId: user.id });
      return undefined;
    },
  });

  const authenticator = defineRoute({
    method: 'GET',
    path: '/auth/internal/authenticator/:username',
    scope: 'auth.authenticator',
    query: authenticatorQuery,
    handler({ params, query }) {
      const user = store.userByName(params.username!.toLowerCase());
      if (!user) throw authErrors.AUTH_USER_UNKNOWN();
      const credential = store.totp.credential(user.id);
      if (!credential) throw authErrors.AUTH_TOTP_NOT_ENROLLED();
      // The simulated phone's clock may be off by whole steps, to show the window at work.
      const now = clock() + query.offset * totpPolicy.periodS * 1000;
      const view: AuthenticatorView = { username: user.username, code: totpCode(credential.secret, now), step: totpStep(now), validForS: totpSecondsLeft(now) };
      return reply(200, view, noStore);
    },
  });

  return [enroll, confirm, remove, authenticator];
}
