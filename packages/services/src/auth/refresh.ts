import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AccessRecord } from './records.js';
import type { AuthStore } from './store.js';

/** Lifetimes of a token pair, in seconds. */
export interface TokenLifetimes {
  readonly accessTokenTtlS: number;
  readonly refreshTokenTtlS: number;
}

/** A pair recorded in the database and not yet signed: the access token's claims and the opaque refresh token. */
export interface RecordedPair {
  readonly userId: string;
  readonly familyId: string;
  readonly jti: string;
  /** Epoch seconds. */
  readonly iat: number;
  /** Epoch seconds. */
  readonly exp: number;
  /** When the user logged in for this family (epoch seconds); null for a family from before it was kept. */
  readonly authTime: number | null;
  /** The refresh token itself; only its hash is stored. */
  readonly refreshToken: string;
}

/** What presenting a refresh token did. */
export type RotateOutcome =
  /** The token was good: it is now used and a new pair of the same family is recorded. */
  | { readonly kind: 'rotated'; readonly pair: RecordedPair }
  /** The token had been used before: its whole family is now revoked (`revoked`: the access tokens this revoked). */
  | { readonly kind: 'reused'; readonly userId: string; readonly familyId: string; readonly revoked: readonly AccessRecord[] }
  /** Unknown, expired or revoked. */
  | { readonly kind: 'invalid' };

/** The SHA-256 (base64url) under which a refresh token is stored. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A new token family id: one per login. */
export function createFamilyId(): string {
  return randomUUID();
}

/**
 * Records a new access jti and refresh token of `familyId` in one transaction. `authTime` is
 * when the user logged in (epoch seconds): now for a login, the family's for a refresh, so a
 * refresh never makes a login look recent (OIDC Core §2 `auth_time`, RFC 9068 §2.2.1).
 */
export function recordTokenPair(
  store: AuthStore,
  pair: { userId: string; familyId: string; now: number; lifetimes: TokenLifetimes; authTime?: number | null },
): RecordedPair {
  const { userId, familyId, now, lifetimes } = pair;
  const refreshToken = randomBytes(32).toString('base64url');
  const jti = randomUUID();
  const iat = Math.floor(now / 1000);
  const exp = iat + lifetimes.accessTokenTtlS;
  const authTime = pair.authTime === undefined ? iat : pair.authTime;
  store.transaction(() => {
    store.insertAccess({ jti, userId, familyId, createdAt: now, expiresAt: exp * 1000, authTime });
    store.insertRefresh({
      tokenHash: hashRefreshToken(refreshToken),
      userId,
      familyId,
      createdAt: now,
      expiresAt: now + lifetimes.refreshTokenTtlS * 1000,
      authTime,
    });
  });
  return { userId, familyId, jti, iat, exp, authTime, refreshToken };
}

/**
 * Exchanges a refresh token for a new pair of the same family. A token presented a second
 * time means it leaked (or the client raced itself): the whole family is revoked, committed
 * before the caller answers with an error.
 */
export function rotateRefreshToken(store: AuthStore, token: string, now: number, lifetimes: TokenLifetimes): RotateOutcome {
  const tokenHash = hashRefreshToken(token);
  return store.transaction((): RotateOutcome => {
    const row = store.refreshByHash(tokenHash);
    if (!row || row.revokedAt !== null) return { kind: 'invalid' };
    if (row.usedAt !== null) {
      const revoked = store.revokeFamily(row.familyId, now);
      return { kind: 'reused', userId: row.userId, familyId: row.familyId, revoked };
    }
    if (row.expiresAt <= now || !store.markRefreshUsed(tokenHash, now)) return { kind: 'invalid' };
    return { kind: 'rotated', pair: recordTokenPair(store, { userId: row.userId, familyId: row.familyId, now, lifetimes, authTime: row.authTime }) };
  });
}
