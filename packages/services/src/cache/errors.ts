import { defineErrors } from '../kit/errors.js';

/** Error codes of the global cache. */
export const cacheErrors = defineErrors({
  CACHE_MISS: [404, 'The key is not in the cache (absent or expired).', 'Fill it from the source of truth and PUT it back.'],
  CACHE_KEY_EXISTS: [409, 'A live entry already holds the key; a conditional write (ifAbsent) did not replace it.', 'Expected when the source of truth wrote first: read the key again instead of filling it.'],
  CACHE_KEY_INVALID: [400, 'The cache key is not valid.', 'Use 1..256 characters of A-Z, a-z, 0-9, ":", ".", "_" and "-".'],
  CACHE_VALUE_TOO_LARGE: [413, 'The value is larger than the limit.', 'Cache at most 64 KiB of JSON per key.'],
  CACHE_BACKEND_UNAVAILABLE: [503, 'The cache backend cannot be reached.', 'See the cache instance log.'],
});
