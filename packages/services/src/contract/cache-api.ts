/**
 * The global cache over HTTP (service `cache`, internal: registered with no gateway route).
 *
 * - `GET /cache/keys/:key` → 200 `CacheEntry`; 404 `CACHE_MISS` when absent or expired.
 * - `PUT /cache/keys/:key` body `{ value, ttlMs }` → 204 (replaces any entry).
 * - `PUT /cache/keys/:key?ifAbsent=true` body `{ value, ttlMs }` → 204 when written; 409
 *   `CACHE_KEY_EXISTS` when a live entry holds the key (checked and written atomically; Redis:
 *   `SET key value NX PX ttlMs`). For fills from a slower source, which must never overwrite
 *   what the source of truth wrote meanwhile.
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

/** The query that makes a `PUT` conditional: write only when no live entry holds the key. */
export const ifAbsentQuery = 'ifAbsent=true';

/** Key of the state of an access token in the global cache (`token:<jti>`); never the token itself. */
export function tokenStateKey(jti: string): string {
  return `token:${jti}`;
}

/**
 * What auth writes under `token:<jti>` (unconditionally: it is the source of truth): on login
 * and refresh `{ active: true, ... }` until the token expires; on logout or family revocation
 * `{ active: false }` until it would have expired. Readers that fill a missing entry after
 * asking auth write only if it is still absent (`?ifAbsent=true`), so a fill never undoes a logout.
 *
 * `tokenHash` is the SHA-256, base64url, of the exact token string (not a secret: the token is).
 * A reader accepts an active entry only for a token with that hash, because the jti (and sub) it
 * looked the entry up by were read from the token without checking its signature.
 */
export type TokenState =
  | { readonly active: true; readonly sub: string; readonly username: string; readonly exp: number; readonly tokenHash: string }
  | { readonly active: false; readonly exp: number };
