import { defineErrors } from '../kit/errors.js';

const resendHint = 'Request a new code with POST /auth/resend.';

/** Every error code auth answers with besides the kit's `HTTP_*` codes. */
export const authErrors = defineErrors({
  AUTH_PHONE_INVALID: {
    status: 400,
    message: 'The phone number is not in E.164 form.',
    hint: 'Send it as + followed by the country code and number, e.g. +447700900123.',
  },
  AUTH_PASSWORD_WEAK: {
    status: 400,
    message: 'The password is too short or too easy to guess.',
    hint: 'Use at least 8 characters, e.g. a few uncommon words; not a common or leaked password, nor your name, username or phone. The details say why.',
  },
  AUTH_USERNAME_TAKEN: { status: 409, message: 'This username is taken.', hint: 'Choose another username.' },
  AUTH_SMS_UNAVAILABLE: {
    status: 503,
    message: 'The SMS service could not be reached; no code was sent.',
    hint: 'Try POST /auth/resend in a moment.',
  },
  AUTH_OTP_INVALID: { status: 401, message: 'The code is not valid.', hint: 'Check the latest code sent to your phone.' },
  AUTH_OTP_EXHAUSTED: { status: 401, message: 'Too many wrong attempts; this code no longer works.', hint: resendHint },
  AUTH_OTP_EXPIRED: { status: 401, message: 'The code has expired.', hint: resendHint },
  AUTH_OTP_USED: { status: 401, message: 'The code has already been used.', hint: resendHint },
  AUTH_OTP_TOO_MANY: {
    status: 429,
    message: 'Too many codes were requested.',
    hint: 'Wait for the number of seconds in Retry-After.',
  },
  AUTH_ALREADY_VERIFIED: { status: 409, message: 'This account is already verified.', hint: 'Log in with POST /auth/login.' },
  AUTH_INVALID_CREDENTIALS: { status: 401, message: 'The username or password is wrong.' },
  AUTH_PASSWORD_WRONG: { status: 401, message: 'The password does not match this account.', hint: 'Send the current password of the account to confirm.' },
  AUTH_NOT_VERIFIED: {
    status: 403,
    message: 'The phone number of this account is not verified yet.',
    hint: 'Verify with POST /auth/verify, or get a new code with POST /auth/resend.',
  },
  AUTH_REFRESH_INVALID: { status: 401, message: 'The refresh token is not valid.', hint: 'Log in again.' },
  AUTH_REFRESH_REUSED: {
    status: 401,
    message: 'This refresh token was already used; every token of its session is revoked.',
    hint: 'Log in again.',
  },
  AUTH_TOKEN_INVALID: { status: 401, message: 'The access token is not valid.', hint: 'Log in again or refresh the token.' },
  AUTH_USER_UNKNOWN: { status: 404, message: 'This user does not exist.' },
  AUTH_DB_UNAVAILABLE: { status: 503, message: 'The auth database cannot be read.', hint: 'See the instance log.' },
  AUTH_LOGIN_THROTTLED: {
    status: 429,
    message: 'Too many failed attempts for this account; it is locked for a while.',
    hint: 'Wait for the number of seconds in Retry-After, then try again.',
  },
  AUTH_LOGIN_CHALLENGE_EXPIRED: {
    status: 401,
    message: 'The password step of this login has expired.',
    hint: 'Log in again with POST /auth/login, then send the code within 5 minutes.',
  },
  AUTH_TOTP_INVALID: {
    status: 401,
    message: 'The authenticator code is not valid.',
    hint: 'Enter the current code of your authenticator app, and check that its clock is right.',
  },
  AUTH_TOTP_REUSED: { status: 401, message: 'This authenticator code was already used.', hint: 'Wait for the next code of your authenticator app.' },
  AUTH_TOTP_ENROLLED: {
    status: 409,
    message: 'An authenticator is already enabled on this account.',
    hint: 'Turn it off with DELETE /auth/totp before enrolling another.',
  },
  AUTH_TOTP_NOT_ENROLLED: {
    status: 404,
    message: 'No authenticator is enrolled for this account.',
    hint: 'Enrol one with POST /auth/totp/enroll, then confirm it with POST /auth/totp/confirm.',
  },
  AUTH_REAUTHENTICATION_REQUIRED: {
    status: 403,
    message: 'This change needs the password again, or a login from the last 5 minutes.',
    hint: 'Send the account password as "password" in the body, or log in again and retry within 5 minutes.',
  },
  AUTH_RECOVERY_CODE_INVALID: {
    status: 401,
    message: 'The recovery code is not valid.',
    hint: 'Enter one of the recovery codes shown when the authenticator was turned on (or last regenerated).',
  },
  AUTH_RECOVERY_CODE_USED: { status: 401, message: 'This recovery code was already used.', hint: 'Each recovery code works once; use another one.' },
});
