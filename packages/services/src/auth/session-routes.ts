import type { IncomingHttpHeaders } from 'node:http';
import { reply } from '../kit/http/reply.js';
import { defineRoute, type Route } from '../kit/http/router.js';
import { hashToken } from '../kit/token-cache/token-facts.js';
import type { TraceContext } from '../kit/trace.js';
import type { AuthDeps } from './deps.js';
import { authErrors } from './errors.js';
import { sendCode } from './notify.js';
import { verifyDummyPassword, verifyPassword } from './passwords.js';
import type { AccessRecord } from './records.js';
import { createFamilyId, hashRefreshToken, recordTokenPair, rotateRefreshToken, type RecordedPair } from './refresh.js';
import { loginBody, loginVerifyBody, logoutBody, refreshBody } from './schemas.js';
import { toRevokedTokens } from './token-events.js';
import { totpPolicy } from './totp.js';
import { acceptLoginChallenge, acceptTotpLogin } from './totp-verify.js';

/** The answer of a successful login or refresh. */
export interface TokenPair {
  readonly tokenType: 'Bearer';
  readonly accessToken: string;
  /** Seconds until the access token expires. */
  readonly expiresIn: number;
  readonly refreshToken: string;
}

/** The answer of a login completed with a recovery code: the pair, and how many codes are left. */
export interface RecoveryLogin extends TokenPair {
  readonly recoveryCodesLeft: number;
}

/** The token of an `Authorization: Bearer …` header, if there is one. */
export function readBearer(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer +([^\s]+) *$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

/**
 * `POST /auth/login`, `/auth/login/verify`, `/auth/refresh` and `/auth/logout`.
 *
 * Login takes two steps. `POST /auth/login { username, password }` checks the password and
 * answers 202 `{ challenge: "sms" }` (a code is texted) or, for a user with a confirmed
 * authenticator, `{ challenge: "totp" }` (nothing is sent; the step stays open 5 minutes).
 * `POST /auth/login/verify { username, code }` then takes the texted code or the authenticator
 * code and answers the token pair. Instead of the authenticator code, `{ username, recoveryCode }`
 * takes one of the user's recovery codes (recovery-codes.ts), once each, and answers the pair with
 * `recoveryCodesLeft`; 401 AUTH_RECOVERY_CODE_INVALID / AUTH_RECOVERY_CODE_USED otherwise.
 *
 * Both steps are throttled per account name (login-throttle.ts): the first 5 failures are free,
 * then the account is locked for 1 s, doubling with each further failure up to 15 minutes;
 * a locked attempt answers 429 AUTH_LOGIN_THROTTLED with `Retry-After` before the password or
 * code is checked, and does not count itself. A completed login resets the count; it is
 * forgotten 24 h after the last failure.
 */
export function createSessionRoutes(deps: AuthDeps): Route[] {
  const { store, otp, recovery, tokens, telemetry, clock, lifetimes, events } = deps;

  // The global cache learns of the token before its holder can present it anywhere.
  async function issuePair(pair: RecordedPair, username: string, trace: TraceContext): Promise<TokenPair> {
    const accessToken = await tokens.sign({ userId: pair.userId, username, jti: pair.jti, iat: pair.iat, exp: pair.exp, authTime: pair.authTime });
    await events.issued({ jti: pair.jti, userId: pair.userId, username, exp: pair.exp, tokenHash: hashToken(accessToken) }, trace);
    return { tokenType: 'Bearer', accessToken, expiresIn: pair.exp - pair.iat, refreshToken: pair.refreshToken };
  }

  const login = defineRoute({
    method: 'POST',
    path: '/auth/login',
    body: loginBody,
    async handler({ body, trace }) {
      const now = clock();
      // Before the password is looked at: a locked account costs no scrypt (login-throttle.ts).
      const attempt = store.throttle.attempt(body.username, now);
      const user = store.userByName(body.username);
      const matches = user ? await verifyPassword(body.password, user.passwordHash) : await verifyDummyPassword(body.password, deps.passwordCost);
      if (!user || !matches) throw authErrors.AUTH_INVALID_CREDENTIALS();
      // The right password is no failure, but no success yet: the second factor's failures keep counting.
      attempt.refund();
      if (!user.verified) throw authErrors.AUTH_NOT_VERIFIED();
      if (store.totp.enabled(user.id)) {
        store.totp.openChallenge(user.id, now, now + totpPolicy.challengeTtlMs);
        return reply(202, { challenge: 'totp' });
      }
      const code = otp.issue(user.id, 'login', clock());
      await sendCode(deps, { user, purpose: 'login', code, trace });
      return reply(202, { challenge: 'sms' });
    },
  });

  const loginVerify = defineRoute({
    method: 'POST',
    path: '/auth/login/verify',
    body: loginVerifyBody,
    async handler({ body, trace }) {
      const now = clock();
      const attempt = store.throttle.attempt(body.username, now);
      const user = store.userByName(body.username);
      if (!user) throw authErrors.AUTH_OTP_INVALID();
      const record = () => recordTokenPair(store, { userId: user.id, familyId: createFamilyId(), now, lifetimes });
      const { recoveryCode, code } = body;
      if (recoveryCode !== undefined) {
        // Only a TOTP user's password step opens a challenge; a refused recovery code is a failed login.
        const { pair, left } = acceptLoginChallenge(store, user.id, now, () => ({ left: recovery.use(user.id, recoveryCode, now), pair: record() }));
        attempt.succeeded();
        loggedIn(user.id, { with: 'recovery-code', recoveryCodesLeft: left });
        return { ...(await issuePair(pair, user.username, trace)), recoveryCodesLeft: left } satisfies RecoveryLogin;
      }
      const pair = store.totp.enabled(user.id)
        ? acceptTotpLogin(store, { userId: user.id, code: code!, now }, record)
        : otp.verify(user.id, 'login', code!, now, record);
      attempt.succeeded();
      loggedIn(user.id);
      return issuePair(pair, user.username, trace);
    },
  });

  function loggedIn(userId: string, facts: Record<string, string | number> = {}): void {
    telemetry.event('auth.login', { userId, ...facts });
    telemetry.info('user logged in', { userId, ...facts });
  }

  const refresh = defineRoute({
    method: 'POST',
    path: '/auth/refresh',
    body: refreshBody,
    async handler({ body, trace }) {
      const outcome = rotateRefreshToken(store, body.refreshToken, clock(), lifetimes);
      if (outcome.kind === 'reused') {
        telemetry.event('auth.refresh.reused', { userId: outcome.userId, family: outcome.familyId });
        telemetry.warn('refresh token reused; family revoked', { userId: outcome.userId, family: outcome.familyId });
        await events.revoked(toRevokedTokens(outcome.revoked), trace);
        throw authErrors.AUTH_REFRESH_REUSED();
      }
      if (outcome.kind === 'invalid') throw authErrors.AUTH_REFRESH_INVALID();
      const user = store.userById(outcome.pair.userId);
      if (!user) throw authErrors.AUTH_REFRESH_INVALID();
      return issuePair(outcome.pair, user.username, trace);
    },
  });

  const logout = defineRoute({
    method: 'POST',
    path: '/auth/logout',
    body: logoutBody,
    async handler({ req, body, trace }) {
      const bearer = readBearer(req.headers);
      const info = bearer === undefined ? undefined : await tokens.introspect(bearer);
      if (!info) throw authErrors.AUTH_TOKEN_INVALID();
      const now = clock();
      const revoked = store.transaction((): AccessRecord[] => {
        const own = store.revokeFamily(info.familyId, now);
        const presented = body.refreshToken === undefined ? undefined : store.refreshByHash(hashRefreshToken(body.refreshToken));
        // Only the caller's own sessions: a refresh token of someone else is ignored.
        return presented && presented.userId === info.sub ? [...own, ...store.revokeFamily(presented.familyId, now)] : own;
      });
      // Committed first, then announced, then answered: `global` refuses the token from the very next request.
      await events.revoked(toRevokedTokens(revoked), trace);
      telemetry.event('auth.logout', { userId: info.sub });
      telemetry.info('user logged out', { userId: info.sub });
      return undefined;
    },
  });

  return [login, loginVerify, refresh, logout];
}
