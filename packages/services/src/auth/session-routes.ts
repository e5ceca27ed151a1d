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
import { loginBody, logoutBody, refreshBody, verifyBody } from './schemas.js';
import { toRevokedTokens } from './token-events.js';

/** The answer of a successful login or refresh. */
export interface TokenPair {
  readonly tokenType: 'Bearer';
  readonly accessToken: string;
  /** Seconds until the access token expires. */
  readonly expiresIn: number;
  readonly refreshToken: string;
}

/** The token of an `Authorization: Bearer …` header, if there is one. */
export function readBearer(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer +([^\s]+) *$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

/** `POST /auth/login`, `/auth/login/verify`, `/auth/refresh` and `/auth/logout`. */
export function createSessionRoutes(deps: AuthDeps): Route[] {
  const { store, otp, tokens, telemetry, clock, lifetimes, events } = deps;

  // The global cache learns of the token before its holder can present it anywhere.
  async function issuePair(pair: RecordedPair, username: string, trace: TraceContext): Promise<TokenPair> {
    const accessToken = await tokens.sign({ userId: pair.userId, username, jti: pair.jti, iat: pair.iat, exp: pair.exp });
    await events.issued({ jti: pair.jti, userId: pair.userId, username, exp: pair.exp, tokenHash: hashToken(accessToken) }, trace);
    return { tokenType: 'Bearer', accessToken, expiresIn: pair.exp - pair.iat, refreshToken: pair.refreshToken };
  }

  const login = defineRoute({
    method: 'POST',
    path: '/auth/login',
    body: loginBody,
    async handler({ body, trace }) {
      const user = store.userByName(body.username);
      const matches = user ? await verifyPassword(body.password, user.passwordHash) : await verifyDummyPassword(body.password);
      if (!user || !matches) throw authErrors.AUTH_INVALID_CREDENTIALS();
      if (!user.verified) throw authErrors.AUTH_NOT_VERIFIED();
      const code = otp.issue(user.id, 'login', clock());
      await sendCode(deps, { user, purpose: 'login', code, trace });
      return reply(202, { challenge: 'sms' });
    },
  });

  const loginVerify = defineRoute({
    method: 'POST',
    path: '/auth/login/verify',
    body: verifyBody,
    async handler({ body, trace }) {
      const user = store.userByName(body.username);
      if (!user) throw authErrors.AUTH_OTP_INVALID();
      const now = clock();
      const pair = otp.verify(user.id, 'login', body.code, now, () =>
        recordTokenPair(store, { userId: user.id, familyId: createFamilyId(), now, lifetimes }),
      );
      telemetry.event('auth.login', { userId: user.id });
      telemetry.info('user logged in', { userId: user.id });
      return issuePair(pair, user.username, trace);
    },
  });

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
