import { defineErrors } from '../kit/errors.js';

/** Error codes of the global cache. */
export const cacheErrors = defineErrors({
  CACHE_MISS: { status: 404, message: 'The key is not in the cache (absent or expired).', hint: 'Fill it from the source of truth and PUT it back.' },
  CACHE_KEY_EXISTS: {
    status: 409,
    message: 'A live entry already holds the key; a conditional write (ifAbsent) did not replace it.',
    hint: 'Expected when the source of truth wrote first: read the key again instead of filling it.',
  },
  CACHE_KEY_INVALID: { status: 400, message: 'The cache key is not valid.', hint: 'Use 1..256 characters of A-Z, a-z, 0-9, ":", ".", "_" and "-".' },
  CACHE_VALUE_TOO_LARGE: { status: 413, message: 'The value is larger than the limit.', hint: 'Cache at most 64 KiB of JSON per key.' },
  CACHE_BACKEND_UNAVAILABLE: { status: 503, message: 'The cache backend cannot be reached.', hint: 'See the cache instance log.' },
});
