import type { TraceContext } from '../../kit/trace.js';

import type { GatewayAuthModeName } from '../../contract/modes.js';

export { authModeNames, type AuthModeName, type GatewayAuthModeName } from '../../contract/modes.js';

/** Where a verdict came from; the auth stage copies it onto the request's span. */
export interface VerdictOrigin {
  /** Whether a cache answered (this gateway's, the sidecar's or the global one); absent for a mode without a cache (`remote`). */
  readonly cache?: 'hit' | 'miss';
  /**
   * `local`: this gateway (its verdict cache or its own JWT check); `cache`: the global cache;
   * `auth`: auth's introspection; `sidecar`: the co-located sidecar.
   */
  readonly authSource: 'local' | 'cache' | 'auth' | 'sidecar';
  /** Set when the token copies the claims of a live token it is not (a forgery); the span counts it as `forgedToken`. */
  readonly forged?: true;
}

/** The access token a verdict accepted: its jti and exp (epoch seconds), never the token. */
export interface AcceptedToken {
  readonly jti: string;
  readonly exp: number;
}

/** The verdict on one access token. */
export type TokenCheck =
  /** The token is valid: the gateway names `userId` upstream in its identity assertion, which stands for this token (`jti`, `exp`). */
  | { readonly active: true; readonly userId: string; readonly token: AcceptedToken; readonly origin?: VerdictOrigin }
  /** The token is expired, revoked, unknown or forged. */
  | { readonly active: false; readonly origin?: VerdictOrigin };

/** One auth mode. The pipeline reads the active one per request from the modes holder. */
export interface AuthMode {
  readonly name: GatewayAuthModeName;
  /**
   * Checks a bearer token. Throws GATEWAY_AUTH_UNAVAILABLE when it cannot tell (auth down
   * or answering nonsense); never logs or returns the token.
   */
  check(token: string, trace: TraceContext): Promise<TokenCheck>;
  /** The gateway is stopping: the mode reports no degradation of what it follows (the bus) from now on. */
  quiet?(): void;
  /** Releases what the mode holds (caches, subscriptions) when it is replaced or the gateway stops. */
  close(): void;
}
