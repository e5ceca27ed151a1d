import { defineErrors } from '../kit/errors.js';

const resendHint = 'Request a new code with POST /auth/resend.';

/** Every error code auth answers with besides the kit's `HTTP_*` codes. */
export const authErrors = defineErrors({
  AUTH_PHONE_INVALID: [400, 'The phone number is not in E.164 form.', 'Send it as + followed by the country code and number, e.g. +447700900123.'],
  AUTH_PASSWORD_WEAK: [400, 'The password is too short or too easy to guess.', 'Use at least 8 characters, e.g. a few uncommon words; not a common or leaked password, nor your name, username or phone. The details say why.'],
  AUTH_USERNAME_TAKEN: [409, 'This username is taken.', 'Choose another username.'],
  AUTH_SMS_UNAVAILABLE: [503, 'The SMS service could not be reached; no code was sent.', 'Try POST /auth/resend in a moment.'],
  AUTH_OTP_INVALID: [401, 'The code is not valid.', 'Check the latest code sent to your phone.'],
  AUTH_OTP_EXHAUSTED: [401, 'Too many wrong attempts; this code no longer works.', resendHint],
  AUTH_OTP_EXPIRED: [401, 'The code has expired.', resendHint],
  AUTH_OTP_USED: [401, 'The code has already been used.', resendHint],
  AUTH_OTP_TOO_MANY: [429, 'Too many codes were requested.', 'Wait for the number of seconds in Retry-After.'],
  AUTH_ALREADY_VERIFIED: [409, 'This account is already verified.', 'Log in with POST /auth/login.'],
  AUTH_INVALID_CREDENTIALS: [401, 'The username or password is wrong.'],
  AUTH_PASSWORD_WRONG: [401, 'The password does not match this account.', 'Send the current password of the account to confirm.'],
  AUTH_NOT_VERIFIED: [403, 'The phone number of this account is not verified yet.', 'Verify with POST /auth/verify, or get a new code with POST /auth/resend.'],
  AUTH_REFRESH_INVALID: [401, 'The refresh token is not valid.', 'Log in again.'],
  AUTH_REFRESH_REUSED: [401, 'This refresh token was already used; every token of its session is revoked.', 'Log in again.'],
  AUTH_TOKEN_INVALID: [401, 'The access token is not valid.', 'Log in again or refresh the token.'],
  AUTH_USER_UNKNOWN: [404, 'This user does not exist.'],
  AUTH_DB_UNAVAILABLE: [503, 'The auth database cannot be read.', 'See the instance log.'],
  AUTH_LOGIN_THROTTLED: [429, 'Too many failed attempts for this account; it is locked for a while.', 'Wait for the number of seconds in Retry-After, then try again.'],
  AUTH_LOGIN_CHALLENGE_EXPIRED: [401, 'The password step of this login has expired.', 'Log in again with POST /auth/login, then send the code within 5 minutes.'],
  AUTH_TOTP_INVALID: [401, 'The authenticator code is not valid.', 'Enter the current code of your authenticator app, and check that its clock is right.'],
  AUTH_TOTP_REUSED: [401, 'This authenticator code was already used.', 'Wait for the next code of your authenticator app.'],
  AUTH_TOTP_ENROLLED: [409, 'An authenticator is already enabled on this account.', 'Turn it off with DELETE /auth/totp before enrolling another.'],
  AUTH_TOTP_NOT_ENROLLED: [404, 'No authenticator is enrolled for this account.', 'Enrol one with POST /auth/totp/enroll, then confirm it with POST /auth/totp/confirm.'],
  AUTH_REAUTHENTICATION_REQUIRED: [403, 'This change needs the password again, or a login from the last 5 minutes.', 'Send the account password as "password" in the body, or log in again and retry within 5 minutes.'],
  AUTH_RECOVERY_CODE_INVALID: [401, 'The recovery code is not valid.', 'Enter one of the recovery codes shown when the authenticator was turned on (or last regenerated).'],
  AUTH_RECOVERY_CODE_USED: [401, 'This recovery code was already used.', 'Each recovery code works once; use another one.'],
});
