import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { ServiceCaller } from '../../kit/discovery/service-caller.js';
import { isJti, isUserId, type TokenFacts } from '../../kit/token-cache/token-facts.js';
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

/** Creates a verifier that fetches the key set once, and again (rate-limited) on an unknown `kid`. */
export function createJwksVerifier(options: JwksVerifierOptions): JwksVerifier {
  const { caller } = options;
  const clock = options.clock ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 2000;
  const minRefetchMs = options.minRefetchMs ?? 1000;
  let keys: JWTVerifyGetKey | undefined;
  let loading: Promise<JWTVerifyGetKey> | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;

  async function fetchKeys(trace?: TraceContext): Promise<JWTVerifyGetKey> {
    let answer;
    try {
      answer = await caller.call<JSONWebKeySet>({ service: 'auth', method: 'GET', path: '/auth/.well-known/jwks.json', ...(trace ? { trace } : {}), timeoutMs });
    } catch (error) {
      throw gatewayErrors.GATEWAY_AUTH_UNAVAILABLE({ cause: error });
    }
    if (answer.status !== 200 || !Array.isArray(answer.body?.keys)) {
      throw gatewayErrors.GATEWAY_AUTH_UNAVAILABLE({ message: `Auth answered the key set request with status ${answer.status}.` });
    }
    keys = createLocalJWKSet(answer.body);
    fetchedAt = clock();
    return keys;
  }

  // Concurrent requests share one fetch.
  function reload(trace?: TraceContext): Promise<JWTVerifyGetKey> {
    loading ??= fetchKeys(trace).finally(() => (loading = undefined));
    return loading;
  }

  async function check(token: string, keySet: JWTVerifyGetKey): Promise<TokenFacts | 'unknown-kid' | undefined> {
    try {
      const { payload } = await jwtVerify(token, keySet, { ...verifyOptions, currentDate: new Date(clock()) });
      const { sub, jti, exp, iat, username } = payload;
      if (!isUserId(sub) || !isJti(jti) || typeof exp !== 'number' || typeof iat !== 'number' || typeof username !== 'string') return undefined;
      return { sub, username, jti, exp, iat };
    } catch (error) {
      return (error as { code?: unknown }).code === 'ERR_JWKS_NO_MATCHING_KEY' ? 'unknown-kid' : undefined;
    }
  }

  return {
    async verify(token, trace) {
      const first = await check(token, keys ?? (await reload(trace)));
      if (first !== 'unknown-kid') return first;
      // Auth may have a key this gateway has not seen yet: fetch once more, but not for every forged kid.
      if (clock() - fetchedAt < minRefetchMs) return undefined;
      const second = await check(token, await reload(trace));
      return second === 'unknown-kid' ? undefined : second;
    },
  };
}
