import { hash } from 'node:crypto';
import { readClaimsUnverified } from '../../contract/jwt-claims.js';

/** What a cache keeps about an active access token; never the token itself. */
export interface TokenFacts {
  /** The user id (`sub`). */
  readonly sub: string;
  readonly username: string;
  readonly jti: string;
  /** Epoch seconds. */
  readonly exp: number;
  /** Epoch seconds; absent when the source did not say. */
  readonly iat?: number;
}

/** Claims read from a JWT without checking its signature. */
export interface UnverifiedClaims {
  readonly sub: string;
  readonly jti: string;
  /** Epoch seconds. */
  readonly exp: number;
}

// A user id becomes a header value upstream, so only visible ASCII is accepted.
const userIdPattern = /^[\x21-\x7e]{1,200}$/;
// A jti becomes part of a cache key (`token:<jti>`, keys are `[A-Za-z0-9:._-]`).
const jtiPattern = /^[A-Za-z0-9._-]{1,200}$/;

/** Whether `value` can be forwarded as a user id (`x-user-id`). */
export function isUserId(value: unknown): value is string {
  return typeof value === 'string' && userIdPattern.test(value);
}

/** Whether `value` can be used as a jti (and in a cache key). */
export function isJti(value: unknown): value is string {
  return typeof value === 'string' && jtiPattern.test(value);
}

/** The key under which a verdict on `token` is cached in-process: its SHA-256, so no cache holds a token. */
export function hashToken(token: string): string {
  // The one-shot `crypto.hash` (Node 20.12+): a third cheaper than a Hash object per request.
  return hash('sha256', token, 'base64url');
}

/**
 * Reads `sub`, `jti` and `exp` of a JWT WITHOUT checking its signature: only the bench's `none`
 * auth mode names a user this way (every other mode verifies the token first). Undefined when
 * it is not a JWT with usable claims.
 */
export function decodeUnverified(token: string): UnverifiedClaims | undefined {
  const claims = readClaimsUnverified(token);
  if (!claims) return undefined;
  const { sub, jti, exp } = claims;
  if (!isUserId(sub) || !isJti(jti) || typeof exp !== 'number' || !Number.isFinite(exp)) return undefined;
  return { sub, jti, exp };
}

/** Checks the shape of facts someone else answered (introspection, a cache, the sidecar). */
export function toTokenFacts(value: unknown): TokenFacts | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { sub, username, jti, exp, iat } = value as Record<string, unknown>;
  if (!isUserId(sub) || typeof username !== 'string' || !isJti(jti) || typeof exp !== 'number' || !Number.isFinite(exp)) return undefined;
  return { sub, username, jti, exp, ...(typeof iat === 'number' && Number.isFinite(iat) ? { iat } : {}) };
}
