import type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey, JWTVerifyOptions } from 'jose';
import type { ServiceCaller } from '../discovery/service-caller.js';
import { loadJwtVerify, loadLocalJwks } from '../jose-modules.js';
import type { TraceContext } from '../trace.js';

/** Options of createAuthKeySet. */
export interface AuthKeySetOptions {
  /**
   * Reaches auth's `GET /auth/.well-known/jwks.json`: for the first check when no `keys` were
   * given, and for a `kid` not among them. Without it only `keys` verify (the registry, the
   * bus and the cache, which auth itself needs before anyone could find it).
   */
  readonly caller?: ServiceCaller;
  /** Auth's keys as handed over at start (`TOPOLAB_AUTH_PUBLIC_KEY`): no request to auth before the first check. */
  readonly keys?: JSONWebKeySet;
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

// jose's verification loads on the first token checked, not by every instance at start.
const loadJose = async () => ({ ...(await loadJwtVerify()), ...(await loadLocalJwks()) });

/**
 * Loads what checking a token needs ahead of the first one: for the registry, the bus and the
 * cache, whose first tokens come from every instance at once as the topology starts (a
 * ServiceApp's `warm`, run once the instance reported ready, so it costs no start-up time).
 */
export function warmUpKeySet(): Promise<void> {
  return loadJose().then(() => undefined);
}

/**
 * Creates a key set that starts from the keys handed over (`options.keys`) or else fetches
 * auth's JWKS on first use, and fetches it again (rate-limited) on an unknown `kid`.
 */
export function createAuthKeySet(options: AuthKeySetOptions): AuthKeySet {
  const { caller } = options;
  const clock = options.clock ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 2000;
  const minRefetchMs = options.minRefetchMs ?? 1000;
  let keys: JWTVerifyGetKey | undefined;
  let loading: Promise<JWTVerifyGetKey> | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;

  async function fetchKeys(trace?: TraceContext): Promise<JWTVerifyGetKey> {
    if (!caller) throw options.unavailable({ message: "Auth's keys were not handed over and cannot be fetched here." });
    // An attempt counts against the refetch limit whether or not auth answers: forged kids must not flood a failing auth either.
    fetchedAt = clock();
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
    return keys;
  }

  // The keys handed over become the key set on the first check (jose loads then, not at start).
  async function current(trace?: TraceContext): Promise<JWTVerifyGetKey> {
    if (keys) return keys;
    if (options.keys) return (keys = (await loadJose()).createLocalJWKSet(options.keys));
    return reload(trace);
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
      const first = await check(token, await current(trace), verifyOptions);
      if (first !== 'unknown-kid') return first;
      // Auth may have a key this instance has not seen yet: fetch once more, but not for every forged kid.
      // A fetch under way is joined; a new one waits out the limit.
      if (!caller || (!loading && clock() - fetchedAt < minRefetchMs)) return undefined;
      let refreshed: JWTVerifyGetKey;
      try {
        refreshed = await reload(trace);
      } catch {
        // The keys held still check every token they know; one whose kid nobody could confirm is refused.
        return undefined;
      }
      const second = await check(token, refreshed, verifyOptions);
      return second === 'unknown-kid' ? undefined : second;
    },
  };
}
