/**
 * What auth's `GET /auth/internal/authenticator/:username` (granted to the runtime only) and the
 * control API's `GET /v1/authenticator/:username` answer: the current code of a user's simulated
 * authenticator app (TOTP, RFC 6238).
 */
export interface AuthenticatorCode {
  readonly username: string;
  /** 6 digits: a secret, never logged. */
  readonly code: string;
  /** The RFC 6238 time step T the code belongs to (Unix seconds / 30). */
  readonly step: number;
  /** Seconds until the next step begins. */
  readonly validForS: number;
  /** Whether auth would refuse this code as used: a code of its step (or a later one) was accepted already (RFC 6238 §5.2). */
  readonly used: boolean;
  /** When auth last accepted a code of this authenticator (epoch ms): a login, the confirmation or a removal; null before the first. */
  readonly lastUsedAt: number | null;
}
