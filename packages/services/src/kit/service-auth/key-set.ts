import type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey, JWTVerifyOptions } from 'jose';
import type { ServiceCaller } from '../discovery/service-caller.js';
import type { TraceContext } from '../trace.js';

/** Options of createAuthKeySet. */
export interface AuthKeySetOptions {
  /** Reaches auth's `GET /auth/.well-known/jwks.json`. */
  readonly caller: ServiceCaller;
  /** Builds the error thrown when the key set cannot be fetched (each service has its own code). */
  readonly unavailable: (options: { message?: string; cause?: unknown }) => Error;
  /** How long fetching the key set may take. @default 2000 */
  readonly timeoutMs?: number;
  /** Shortest time between two fetches caused by unknown `kid`s (forged tokens must not flood auth). @default 1000 */
  readonly minRefetchMs?: number;
  /** Epoch ms now, also the time tokens are checked at. @default Date.now */
  readonly clock?: () => number;
}

/** Auth's published signing keys, fetched on first use. */
export interface AuthKeySet {
  /**
   * The payload of `token` when its signature and the claims `options` asks for are good;
   * undefined otherwise. Throws `unavailable()` when the keys cannot be fetched.
   */
  verify(token: string, options: JWTVerifyOptions, trace?: TraceContext): Promise<JWTPayload | undefined>;
}

// jose (~60 ms to load) is imported on the first token checked, not by every instance at start.
let jose: Promise<typeof import('jose')> | undefined;
const loadJose = () => (jose ??= import('jose'));

/** Creates a key set that fetches auth's JWKS once, and again (rate-limited) on an unknown `kid`. */
export function createAuthKeySet(options: AuthKeySetOptions): AuthKeySet {
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
      throw options.unavailable({ cause: error });
    }
    if (answer.status !== 200 || !Array.isArray(answer.body?.keys)) {
      throw options.unavailable({ message: `Auth answered the key set request with status ${answer.status}.` });
    }
    keys = (await loadJose()).createLocalJWKSet(answer.body);
    fetchedAt = clock();
    return keys;
  }

  // Concurrent requests share one fetch.
  function reload(trace?: TraceContext): Promise<JWTVerifyGetKey> {
    loading ??= fetchKeys(trace).finally(() => (loading = undefined));
    return loading;
  }

  async function check(token: string, keySet: JWTVerifyGetKey, verifyOptions: JWTVerifyOptions): Promise<JWTPayload | 'unknown-kid' | undefined> {
    try {
      return (await (await loadJose()).jwtVerify(token, keySet, { ...verifyOptions, currentDate: new Date(clock()) })).payload;
    } catch (error) {
      return (error as { code?: unknown }).code === 'ERR_JWKS_NO_MATCHING_KEY' ? 'unknown-kid' : undefined;
    }
  }

  return {
    async verify(token, verifyOptions, trace) {
      const first = await check(token, keys ?? (await reload(trace)), verifyOptions);
      if (first !== 'unknown-kid') return first;
      // Auth may have a key this instance has not seen yet: fetch once more, but not for every forged kid.
      if (clock() - fetchedAt < minRefetchMs) return undefined;
      const second = await check(token, await reload(trace), verifyOptions);
      return second === 'unknown-kid' ? undefined : second;
    },
  };
}
