import { randomUUID } from 'node:crypto';
import { reply } from '../kit/http/reply.js';
import { defineRoute, type Route } from '../kit/http/router.js';
import type { AuthDeps } from './deps.js';
import { authErrors } from './errors.js';
import { sendCode, sendWelcome } from './notify.js';
import { checkPasswordStrength } from './password-policy.js';
import { hashPassword } from './passwords.js';
import type { NewUser } from './records.js';
import { phonePattern, registerBody, resendBody, verifyBody } from './schemas.js';

/** `POST /auth/register`, `POST /auth/verify` and `POST /auth/resend`. */
export function createRegistrationRoutes(deps: AuthDeps): Route[] {
  const { store, otp, telemetry, clock } = deps;

  const register = defineRoute({
    method: 'POST',
    path: '/auth/register',
    body: registerBody,
    async handler({ body, trace }) {
      const { username, password, phone, firstName } = body;
      if (!phonePattern.test(phone)) throw authErrors.AUTH_PHONE_INVALID();
      const weak = await checkPasswordStrength(password, { username, firstName, phone });
      if (weak.length > 0) {
        throw authErrors.AUTH_PASSWORD_WEAK({ details: weak.map((message) => ({ path: 'body.password', message })) });
      }
      // Fail fast before the expensive hash; the unique index still decides a race.
      if (store.userByName(username)) throw authErrors.AUTH_USERNAME_TAKEN();
      const passwordHash = await hashPassword(password, deps.passwordCost);
      const now = clock();
      const user: NewUser = { id: randomUUID(), username, passwordHash, phone, firstName, createdAt: now };
      const code = store.transaction(() => (store.insertUser(user) ? otp.issue(user.id, 'registration', now) : undefined));
      if (code === undefined) throw authErrors.AUTH_USERNAME_TAKEN();
      telemetry.event('auth.registered', { userId: user.id });
      telemetry.info('user registered', { userId: user.id });
      await sendCode(deps, { user: { ...user, verified: false }, purpose: 'registration', code, trace });
      return reply(201, { userId: user.id, username, verification: 'sms' });
    },
  });

  const verify = defineRoute({
    method: 'POST',
    path: '/auth/verify',
    body: verifyBody,
    async handler({ body, trace }) {
      const user = store.userByName(body.username);
      if (!user) throw authErrors.AUTH_OTP_INVALID();
      if (user.verified) throw authErrors.AUTH_ALREADY_VERIFIED();
      const now = clock();
      otp.verify(user.id, 'registration', body.code, now, () => store.markVerified(user.id, now));
      telemetry.event('auth.verified', { userId: user.id });
      telemetry.info('user verified', { userId: user.id });
      await deps.events.verified(user.id, trace);
      await sendWelcome(deps, user, trace);
      return { verified: true };
    },
  });

  const resend = defineRoute({
    method: 'POST',
    path: '/auth/resend',
    body: resendBody,
    async handler({ body, trace }) {
      const { purpose } = body;
      const accepted = reply(202, { sent: true });
      const user = store.userByName(body.username);
      // Unknown users get the same answer as known ones, and nothing is sent.
      if (!user) return accepted;
      // A user with an authenticator gets no login code by SMS: answered as for an unknown user.
      if (purpose === 'login' && store.totp.enabled(user.id)) return accepted;
      if (purpose === 'registration' && user.verified) throw authErrors.AUTH_ALREADY_VERIFIED();
      const now = clock();
      const code = store.transaction(() =>
        purpose === 'login' && !otp.hasPending(user.id, 'login') ? undefined : otp.issue(user.id, purpose, now),
      );
      // A login code is only resent after the password step; otherwise answer as for an unknown user.
      if (code === undefined) return accepted;
      await sendCode(deps, { user, purpose, code, trace });
      return accepted;
    },
  });

  return [register, verify, resend];
}
