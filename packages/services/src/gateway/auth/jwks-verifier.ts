import type { ServiceCaller } from '../../kit/discovery/service-caller.js';
import { isJti, isUserId, type TokenFacts } from '../../kit/token-cache/token-facts.js';
import { createAuthKeySet } from '../../kit/service-auth/key-set.js';
import type { TraceContext } from '../../kit/trace.js';
import { gatewayErrors } from '../errors.js';

/** What every access token must say (as auth signs them). */
const verifyOptions = { algorithms: ['EdDSA'], issuer: 'topolab-auth', audience: 'topolab', typ: 'at+jwt', requiredClaims: ['sub', 'jti', 'iat', 'exp'] };

/** Options of createJwksVerifier. */
export interface JwksVerifierOptions {
  /** Reaches auth's `GET /auth/.well-known/jwks.json`. */
  readonly caller: ServiceCaller;
  /** How long fetching the key set may take. @default 2000 */
  readonly timeoutMs?: number;
  /** Shortest time between two fetches caused by unknown `kid`s (forged tokens must not flood auth). @default 1000 */
  readonly minRefetchMs?: number;
  /** Epoch ms now, also the time tokens are checked at. @default Date.now */
  readonly clock?: () => number;
}

/** Checks access JWTs against auth's published keys. */
export interface JwksVerifier {
  /**
   * The token's facts when its signature, `typ`, issuer, audience and lifetime are good;
   * undefined otherwise. Throws GATEWAY_AUTH_UNAVAILABLE when the keys cannot be fetched.
   */
  verify(token: string, trace?: TraceContext): Promise<TokenFacts | undefined>;
}

/** Creates a verifier over auth's key set (kit/service-auth/key-set.ts), which is fetched once and again on an unknown `kid`. */
export function createJwksVerifier(options: JwksVerifierOptions): JwksVerifier {
  const keySet = createAuthKeySet({ ...options, unavailable: (extras) => gatewayErrors.GATEWAY_AUTH_UNAVAILABLE(extras) });
  return {
    async verify(token, trace) {
      const payload = await keySet.verify(token, verifyOptions, trace);
      if (!payload) return undefined;
      const { sub, jti, exp, iat, username } = payload;
      if (!isUserId(sub) || !isJti(jti) || typeof exp !== 'number' || typeof iat !== 'number' || typeof username !== 'string') return undefined;
      return { sub, username, jti, exp, iat };
    },
  };
}
