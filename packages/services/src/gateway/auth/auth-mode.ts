import type { TraceContext } from '../../kit/trace.js';

/** The auth modes the gateway knows (`--auth`). */
export const authModeNames = ['remote'] as const;

/**
 * How the gateway checks an access token.
 * `remote`: it asks an auth instance on every request (the seed's problem).
 */
export type AuthModeName = (typeof authModeNames)[number];

/** The verdict on one access token. */
export type TokenCheck =
  /** The token is valid; `userId` is forwarded upstream in `x-user-id`. */
  | { readonly active: true; readonly userId: string }
  /** The token is expired, revoked, unknown or forged. */
  | { readonly active: false };

/** One auth mode. The pipeline reads the active one per request from the modes holder. */
export interface AuthMode {
  readonly name: AuthModeName;
  /**
   * Checks a bearer token. Throws GATEWAY_AUTH_UNAVAILABLE when it cannot tell (auth down
   * or answering nonsense); never logs or returns the token.
   */
  check(token: string, trace: TraceContext): Promise<TokenCheck>;
  /** Releases what the mode holds (caches, subscriptions) when it is replaced or the gateway stops. */
  close(): void;
}
