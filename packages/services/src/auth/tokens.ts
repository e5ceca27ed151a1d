import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { serviceTokenVerifyOptions } from '../kit/service-auth/guard.js';
import type { AuthStore } from './store.js';

/** The `iss` of every access token. */
export const tokenIssuer = 'topolab-auth';
/** The `aud` of every access token. */
export const tokenAudience = 'topolab';
/** The `typ` header of every access token (RFC 9068). */
export const accessTokenType = 'at+jwt';

/** The Ed25519 key every auth instance signs with, created once and kept in the database. */
export interface SigningKey {
  /** RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** The public key as published in the JWKS (with `kid`, `alg`, `use`). */
  readonly publicJwk: JWK;
}

/** Loads the shared signing key, generating and storing it if this is the first instance ever. */
export async function loadSigningKey(store: AuthStore, now: number): Promise<SigningKey> {
  const stored = store.ensureSecret(
    'signing-key',
    () => JSON.stringify(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' })),
    now,
  );
  const privateJwk = JSON.parse(stored) as JWK;
  const bare: JWK = { kty: privateJwk.kty!, crv: privateJwk.crv!, x: privateJwk.x! };
  const kid = await calculateJwkThumbprint(bare);
  return {
    kid,
    privateKey: (await importJWK(privateJwk, 'EdDSA')) as CryptoKey,
    publicKey: (await importJWK(bare, 'EdDSA')) as CryptoKey,
    publicJwk: Object.freeze({ ...bare, kid, alg: 'EdDSA', use: 'sig' }),
  };
}

/** What an active access token says, plus the family it belongs to. */
export interface AccessTokenInfo {
  readonly sub: string;
  readonly username: string;
  readonly jti: string;
  /** Epoch seconds. */
  readonly iat: number;
  /** Epoch seconds. */
  readonly exp: number;
  readonly familyId: string;
}

/** Claims of a token to sign. */
export interface AccessTokenClaims {
  readonly userId: string;
  readonly username: string;
  readonly jti: string;
  /** Epoch seconds. */
  readonly iat: number;
  /** Epoch seconds. */
  readonly exp: number;
}

/** Signs and checks access JWTs. */
export interface AccessTokens {
  readonly kid: string;
  /** The JSON Web Key Set to publish. */
  jwks(): { keys: JWK[] };
  sign(claims: AccessTokenClaims): Promise<string>;
  /** The token's facts when it is signed by us, well-formed, unexpired and not revoked; otherwise undefined. */
  introspect(token: string): Promise<AccessTokenInfo | undefined>;
  /** Signs a service token (client credentials, contract/service-auth.ts): `aud` the service, `sub` and `client_id` the client. */
  signService(claims: ServiceTokenSigning): Promise<string>;
  /** The payload when `token` is a service token we signed for `audience`, unexpired; otherwise undefined. */
  verifyService(token: string, audience: string): Promise<JWTPayload | undefined>;
}

/** Claims of a service token to sign. */
export interface ServiceTokenSigning {
  readonly clientId: string;
  /** The one service the scopes belong to. */
  readonly audience: string;
  readonly scopes: readonly string[];
  readonly jti: string;
  /** Epoch seconds. */
  readonly iat: number;
  /** Epoch seconds. */
  readonly exp: number;
}

/** Options of createAccessTokens. */
export interface AccessTokensOptions {
  readonly store: AuthStore;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/** Creates the token signer and checker over the shared key (imported once). */
export async function createAccessTokens(options: AccessTokensOptions): Promise<AccessTokens> {
  const { store } = options;
  const clock = options.clock ?? Date.now;
  const key = await loadSigningKey(store, clock());
  const verifyOptions = { algorithms: ['EdDSA'], issuer: tokenIssuer, audience: tokenAudience, typ: accessTokenType };

  return {
    kid: key.kid,
    jwks: () => ({ keys: [key.publicJwk] }),
    sign(claims) {
      return new SignJWT({ username: claims.username })
        .setProtectedHeader({ alg: 'EdDSA', typ: accessTokenType, kid: key.kid })
        .setIssuer(tokenIssuer)
        .setAudience(tokenAudience)
        .setSubject(claims.userId)
        .setJti(claims.jti)
        .setIssuedAt(claims.iat)
        .setExpirationTime(claims.exp)
        .sign(key.privateKey);
    },
    signService(claims) {
      return new SignJWT({ client_id: claims.clientId, scope: claims.scopes.join(' ') })
        .setProtectedHeader({ alg: 'EdDSA', typ: accessTokenType, kid: key.kid })
        .setIssuer(tokenIssuer)
        .setAudience(claims.audience)
        .setSubject(claims.clientId)
        .setJti(claims.jti)
        .setIssuedAt(claims.iat)
        .setExpirationTime(claims.exp)
        .sign(key.privateKey);
    },
    async verifyService(token, audience) {
      try {
        return (await jwtVerify(token, key.publicKey, { ...serviceTokenVerifyOptions(audience), currentDate: new Date(clock()) })).payload;
      } catch {
        return undefined;
      }
    },
    async introspect(token) {
      let payload;
      try {
        ({ payload } = await jwtVerify(token, key.publicKey, {
          ...verifyOptions,
          currentDate: new Date(clock()),
          requiredClaims: ['sub', 'jti', 'iat', 'exp'],
        }));
      } catch {
        return undefined;
      }
      const { sub, jti, iat, exp, username } = payload;
      if (typeof sub !== 'string' || typeof jti !== 'string' || typeof username !== 'string') return undefined;
      if (typeof iat !== 'number' || typeof exp !== 'number') return undefined;
      const row = store.accessByJti(jti);
      if (!row || row.revokedAt !== null || row.userId !== sub) return undefined;
      return { sub, username, jti, iat, exp, familyId: row.familyId };
    },
  };
}
