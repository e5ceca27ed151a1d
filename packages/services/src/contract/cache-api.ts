/**
 * The global cache over HTTP (service `cache`, internal: registered with no gateway route).
 *
 * - `GET /cache/keys/:key` → 200 `CacheEntry`; 404 `CACHE_MISS` when absent or expired.
 * - `PUT /cache/keys/:key` body `{ value, ttlMs }` → 204.
 * - `DELETE /cache/keys/:key` → 204 (also when absent).
 * - `GET /health` → `{ status, size }`.
 *
 * Keys are 1..256 characters of `[A-Za-z0-9:._-]`. Values are JSON. `ttlMs` 1..7 days.
 */
export interface CacheEntry<T = unknown> {
  readonly value: T;
  /** Milliseconds left before the entry expires. */
  readonly ttlMs: number;
}

/** Key of the state of an access token in the global cache (`token:<jti>`); never the token itself. */
export function tokenStateKey(jti: string): string {
  return `token:${jti}`;
}

/**
 * What auth writes under `token:<jti>`: on login and refresh `{ active: true, ... }` until the
 * token expires; on logout or family revocation `{ active: false }` until it would have expired.
 */
export type TokenState =
  | { readonly active: true; readonly sub: string; readonly username: string; readonly exp: number }
  | { readonly active: false; readonly exp: number };
