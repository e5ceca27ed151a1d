import { authErrors } from './errors.js';
import type { AuthStore } from './store.js';
import { matchTotp } from './totp.js';

/** Which secret a check is against: the pending one (confirmation), the confirmed one (login), or either (removal). */
export type TotpState = 'pending' | 'confirmed' | 'any';

/** One code presented for a user. */
export interface TotpCheck {
  readonly userId: string;
  readonly code: string;
  /** Epoch ms. */
  readonly now: number;
  readonly state: TotpState;
}

/**
 * Checks an authenticator code and, when it is accepted, records its step as the last one and
 * runs `accept` — all in one IMMEDIATE transaction, so of two instances racing with one code
 * exactly one wins (the other reads the stored step and finds a replay). Throws
 * AUTH_TOTP_NOT_ENROLLED / AUTH_TOTP_ENROLLED (wrong state), AUTH_TOTP_REUSED, AUTH_TOTP_INVALID;
 * a refusal writes nothing.
 */
export function acceptTotpCode<T>(store: AuthStore, check: TotpCheck, accept: (step: number) => T): T {
  const { userId, code, now, state } = check;
  return store.transaction(() => {
    const credential = store.totp.credential(userId);
    if (!credential || (state === 'confirmed' && credential.confirmedAt === null)) throw authErrors.AUTH_TOTP_NOT_ENROLLED();
    if (state === 'pending' && credential.confirmedAt !== null) throw authErrors.AUTH_TOTP_ENROLLED();
    const match = matchTotp(credential.secret, code, now, credential.lastStep);
    if (match.kind === 'reused') throw authErrors.AUTH_TOTP_REUSED();
    if (match.kind === 'invalid') throw authErrors.AUTH_TOTP_INVALID();
    if (!store.totp.acceptStep(userId, match.step, now)) throw authErrors.AUTH_TOTP_REUSED();
    return accept(match.step);
  });
}

/**
 * The code step of a TOTP user's login: needs the live challenge the password step opened
 * (AUTH_OTP_INVALID without one, as for an unknown user; AUTH_LOGIN_CHALLENGE_EXPIRED after 5
 * minutes), then `accept` (which checks the second factor and throws when it is refused); closes
 * the challenge in the same transaction.
 */
export function acceptLoginChallenge<T>(store: AuthStore, userId: string, now: number, accept: () => T): T {
  return store.transaction(() => {
    const challenge = store.totp.challenge(userId);
    if (!challenge) throw authErrors.AUTH_OTP_INVALID();
    if (challenge.expiresAt <= now) throw authErrors.AUTH_LOGIN_CHALLENGE_EXPIRED();
    const accepted = accept();
    store.totp.closeChallenge(userId);
    return accepted;
  });
}

/** The code step of a TOTP user's login with a fresh authenticator code (acceptLoginChallenge, then acceptTotpCode). */
export function acceptTotpLogin<T>(store: AuthStore, login: Omit<TotpCheck, 'state'>, accept: () => T): T {
  return acceptLoginChallenge(store, login.userId, login.now, () => acceptTotpCode(store, { ...login, state: 'confirmed' }, accept));
}
