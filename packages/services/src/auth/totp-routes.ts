import type { AuthenticatorCode } from '../contract/authenticator.js';
import { reply } from '../kit/http/reply.js';
import { defineRoute, type RequestContext, type Route } from '../kit/http/router.js';
import { currentUser } from './current-user.js';
import type { AuthDeps } from './deps.js';
import { authErrors } from './errors.js';
import type { UserRecord } from './records.js';
import { requireReauthentication } from './reauth.js';
import { authenticatorQuery, reauthBody, totpCodeBody, totpRemoveBody } from './schemas.js';
import { createTotpSecret, totpCode, totpPolicy, totpSecondsLeft, totpStep, totpUri } from './totp.js';
import { acceptTotpCode } from './totp-verify.js';

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

/** `POST /auth/totp/confirm` answer: the authenticator is on, and the recovery codes, shown this once. */
export interface TotpConfirmed {
  readonly enabled: true;
  readonly recoveryCodes: readonly string[];
}

// Secrets and codes must not stay in any cache on the way.
const noStore = { 'cache-control': 'no-store' };

/**
 * The authenticator (TOTP, RFC 6238) second factor. For the user the gateway names (`x-user-id`):
 *
 * - `POST /auth/totp/enroll [{ password }]` → 201 `TotpEnrolment`: a new pending secret, replacing
 *   a pending one; 409 AUTH_TOTP_ENROLLED when one is confirmed already.
 * - `POST /auth/totp/confirm { code[, password] }` → `TotpConfirmed`: the first code of the app
 *   turns it on and makes 10 recovery codes (recovery-codes.ts), shown this once; from then on
 *   `POST /auth/login` answers `{ challenge: "totp" }` and sends no SMS. 404
 *   AUTH_TOTP_NOT_ENROLLED without a pending secret, 401 AUTH_TOTP_INVALID / AUTH_TOTP_REUSED.
 * - `DELETE /auth/totp { code | recoveryCode[, password] }` → 204: a current code, or a recovery
 *   code when the phone is lost, turns it off again with its recovery codes (login texts codes again).
 * - `POST /auth/totp/recovery-codes [{ password }]` → 201 `{ recoveryCodes }`: a new set of 10,
 *   the old set no longer works. 404 AUTH_TOTP_NOT_ENROLLED without a confirmed authenticator.
 *
 * Each of these changes how the account logs in, so each needs the password in the body or a
 * login younger than 5 minutes (reauth.ts): 403 AUTH_REAUTHENTICATION_REQUIRED otherwise, 401
 * AUTH_PASSWORD_WRONG for a wrong password. Wrong passwords and codes count as failed logins of
 * the account (login-throttle.ts), so these answer 429 AUTH_LOGIN_THROTTLED with `Retry-After`
 * while it is locked. Secrets and codes are answered `Cache-Control: no-store` and never logged.
 *
 * `GET /auth/internal/authenticator/:username[?offset=-2..2]` (scope `auth.authenticator`,
 * granted to the runtime only) → `AuthenticatorCode`: the simulated authenticator app of
 * `topolab authenticator`, as the SMS service is the simulated phone carrier; `offset` puts its
 * clock that many steps ahead (or behind). 404 AUTH_USER_UNKNOWN, AUTH_TOTP_NOT_ENROLLED.
 */
export function createTotpRoutes(deps: AuthDeps): Route[] {
  const { store, recovery, telemetry, clock } = deps;

  /** Checks the second factor of `user` (`check`, which throws when refused) as a counted attempt of the account, and runs `effect` in the same transaction. */
  function acceptFactor<T>(user: UserRecord, check: (now: number, effect: () => T) => T, effect: (now: number) => T): T {
    const now = clock();
    const attempt = store.throttle.attempt(user.username, now);
    const result = store.transaction(() => check(now, () => effect(now)));
    attempt.succeeded();
    return result;
  }

  /** The user of a privileged request, once `precondition` (the state the change needs; throws) held and they re-authenticated. */
  async function reauthenticated(ctx: RequestContext<{ password?: string | undefined }>, precondition: (user: UserRecord) => void): Promise<UserRecord> {
    const user = currentUser(store, ctx);
    // Checked before the throttle, so only a password or a code is ever counted as a failure.
    precondition(user);
    await requireReauthentication(deps, { user, identity: ctx.identity, password: ctx.body.password });
    return user;
  }

  const enroll = defineRoute({
    method: 'POST',
    path: '/auth/totp/enroll',
    body: reauthBody,
    async handler(ctx) {
      const user = await reauthenticated(ctx, ({ id }) => {
        if (store.totp.enabled(id)) throw authErrors.AUTH_TOTP_ENROLLED();
      });
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
    async handler(ctx) {
      const { body } = ctx;
      const user = await reauthenticated(ctx, ({ id }) => {
        const credential = store.totp.credential(id);
        if (!credential) throw authErrors.AUTH_TOTP_NOT_ENROLLED();
        if (credential.confirmedAt !== null) throw authErrors.AUTH_TOTP_ENROLLED();
      });
      const recoveryCodes = acceptFactor<string[]>(
        user,
        (now, effect) => acceptTotpCode(store, { userId: user.id, code: body.code, now, state: 'pending' }, effect),
        (now) => {
          store.totp.markConfirmed(user.id, now);
          return recovery.issue(user.id, now);
        },
      );
      telemetry.event('auth.totp.confirmed', { userId: user.id, recoveryCodes: recoveryCodes.length });
      telemetry.info('authenticator enabled', { userId: user.id });
      return reply(200, { enabled: true, recoveryCodes } satisfies TotpConfirmed, noStore);
    },
  });

  const remove = defineRoute({
    method: 'DELETE',
    path: '/auth/totp',
    body: totpRemoveBody,
    async handler(ctx) {
      const { body } = ctx;
      const user = await reauthenticated(ctx, ({ id }) => {
        if (!store.totp.credential(id)) throw authErrors.AUTH_TOTP_NOT_ENROLLED();
      });
      const { code, recoveryCode } = body;
      acceptFactor(
        user,
        (now, effect) => {
          if (code !== undefined) return acceptTotpCode(store, { userId: user.id, code, now, state: 'any' }, effect);
          recovery.use(user.id, recoveryCode!, now);
          return effect();
        },
        () => store.totp.remove(user.id),
      );
      telemetry.event('auth.totp.removed', { userId: user.id, with: code === undefined ? 'recovery-code' : 'code' });
      telemetry.info('authenticator disabled', { userId: user.id });
      return undefined;
    },
  });

  const requireEnabled = ({ id }: UserRecord) => {
    if (!store.totp.enabled(id)) throw authErrors.AUTH_TOTP_NOT_ENROLLED();
  };

  const regenerate = defineRoute({
    method: 'POST',
    path: '/auth/totp/recovery-codes',
    body: reauthBody,
    async handler(ctx) {
      const user = await reauthenticated(ctx, requireEnabled);
      const recoveryCodes = store.transaction(() => {
        // Removed meanwhile by another request: no codes for an authenticator that is gone.
        requireEnabled(user);
        return recovery.issue(user.id, clock());
      });
      telemetry.event('auth.totp.recovery-codes.regenerated', { userId: user.id, recoveryCodes: recoveryCodes.length });
      return reply(201, { recoveryCodes }, noStore);
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
      const step = totpStep(now);
      const used = credential.lastStep !== null && step <= credential.lastStep;
      const view: AuthenticatorCode = { username: user.username, code: totpCode(credential.secret, now), step, validForS: totpSecondsLeft(now), used, lastUsedAt: credential.lastUsedAt };
      return reply(200, view, noStore);
    },
  });

  return [enroll, confirm, remove, regenerate, authenticator];
}
