/**
 * The parts of jose the services load on first use, each from its own module: importing
 * `jose/jwt/verify` costs ~20 ms of CPU where jose's index costs ~45 ms, and the registry, the
 * bus and the cache load theirs while every other instance starts (measured with
 * `bench/lifecycle.mjs`). jose itself stays the one JWT library (auth signs with it).
 */
const once = <T>(load: () => Promise<T>) => {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
};

/** `jwtVerify`: signature, `typ`, issuer, audience, lifetime. */
export const loadJwtVerify = once(() => import('jose/jwt/verify'));
/** `createLocalJWKSet`: a key set from a JWKS (auth's keys). */
export const loadLocalJwks = once(() => import('jose/jwks/local'));
/** `importJWK`. */
export const loadKeyImport = once(() => import('jose/key/import'));
/** `SignJWT` (the gateway's identity assertions). */
export const loadJwtSign = once(() => import('jose/jwt/sign'));
