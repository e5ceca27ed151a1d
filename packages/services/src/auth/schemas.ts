import { singleLineText } from '../kit/http/free-text.js';
import * as z from '../kit/zod.js';

/** A new username: lower-case letters and digits, then also `.`, `_`, `-`; 3 to 32 characters. */
export const usernamePattern = /^[a-z0-9][a-z0-9._-]{2,31}$/;
/** E.164: `+`, a non-zero digit, then 6 to 14 digits. */
export const phonePattern = /^\+[1-9]\d{6,14}$/;

// Existing usernames are looked up, not validated, so a malformed one is just "unknown".
const anyUsername = z.string().check(z.minLength(1), z.maxLength(64));
// Bounded so scrypt never runs over megabytes of input.
const password = z.string().check(z.maxLength(1024));
// A password the request must hold (login, and every re-authentication).
const givenPassword = password.check(z.minLength(1));
const code = z.string().check(z.regex(/^\d{6}$/, 'must be 6 digits'));
const purpose = z.enum(['registration', 'login']);
const opaqueToken = z.string().check(z.minLength(1), z.maxLength(512));
// Single-line free text: no control characters, so a NUL or ESC never reaches the SMS text.
const firstName = singleLineText({ min: 1, max: 64, trim: true });

/** Body of `POST /auth/register`. The phone is checked by the handler so it gets its own code. */
export const registerBody = z.object({
  username: z.string().check(z.regex(usernamePattern, 'must be 3-32 of a-z 0-9 . _ - starting with a letter or digit')),
  password,
  phone: z.string(),
  firstName,
});

/** Body of `POST /auth/verify`. */
export const verifyBody = z.object({ username: anyUsername, code });

// A recovery code as typed (recovery-codes.ts reads it: case, dashes and spaces do not matter).
const recoveryCode = z.string().check(z.minLength(1), z.maxLength(64));
const oneSecondFactor = (body: { code?: string | undefined; recoveryCode?: string | undefined }) => (body.code === undefined) !== (body.recoveryCode === undefined);
const oneSecondFactorMessage = 'send either code or recoveryCode';

/** Body of `POST /auth/login/verify`: the texted or authenticator `code`, or one of the authenticator's recovery codes. */
export const loginVerifyBody = z
  .object({ username: anyUsername, code: z.optional(code), recoveryCode: z.optional(recoveryCode) })
  .check(z.refine(oneSecondFactor, oneSecondFactorMessage));

/** Body of `POST /auth/resend`. */
export const resendBody = z.object({ username: anyUsername, purpose });

/** Body of `POST /auth/login`. */
export const loginBody = z.object({ username: anyUsername, password: givenPassword });

/** Body of `POST /auth/refresh`. */
export const refreshBody = z.object({ refreshToken: opaqueToken });

/** Body of `POST /auth/logout` (optional). */
export const logoutBody = z.object({ refreshToken: z.optional(opaqueToken) });

/** Body of `DELETE /auth/me`: the password again, to confirm. */
export const deleteAccountBody = z.strictObject({ password: givenPassword });

/** Body of `PATCH /auth/me`: the fields that may change, validated as at registration. */
export const updateAccountBody = z.strictObject({ firstName });

/** Query of `GET /auth/internal/events`. */
export const eventLogQuery = z.object({
  after: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)), 0),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(1000)), 100),
});

/** Body of `POST /auth/introspect`. Any string is accepted: whatever is not a good token is inactive. */
export const introspectBody = z.object({
  token: z.string().check(z.maxLength(16_384)),
  /** The caller found no state for the token in the global cache (the gateway's `global` mode, a sidecar): auth writes it back. */
  cacheMiss: z.optional(z.boolean()),
});

/** Body of `POST /auth/internal/users/lookup`: at least one list, each at most 500 entries. */
export const lookupBody = z
  .strictObject({
    usernames: z.optional(z.array(anyUsername).check(z.maxLength(500))),
    userIds: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(500))),
  })
  .check(z.refine((body) => body.usernames !== undefined || body.userIds !== undefined, 'name usernames, userIds or both'));

// Re-authentication for a privileged change (reauth.ts): the password, unless the login is recent.
const reauthPassword = z.optional(givenPassword);

/** Body of `POST /auth/totp/enroll` and `POST /auth/totp/recovery-codes` (optional): the password again. */
export const reauthBody = z.strictObject({ password: reauthPassword });

/** Body of `POST /auth/totp/confirm`: the current code of the authenticator app, and the password again. */
export const totpCodeBody = z.strictObject({ code, password: reauthPassword });

/** Body of `DELETE /auth/totp`: a current code or a recovery code, and the password again. */
export const totpRemoveBody = z
  .strictObject({ code: z.optional(code), recoveryCode: z.optional(recoveryCode), password: reauthPassword })
  .check(z.refine(oneSecondFactor, oneSecondFactorMessage));

/** Query of `GET /auth/internal/authenticator/:username`: how many 30 s steps the simulated phone's clock is off. */
export const authenticatorQuery = z.object({ offset: z._default(z.coerce.number().check(z.int(), z.gte(-2), z.lte(2)), 0) });
