import { calculateJwkThumbprint, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { serviceTokenParts, type ServiceTokenSubject } from '../contract/service-auth.js';
import type { PrivateJwk } from '../contract/signing-keys.js';
import { serviceTokenVerifyOptions } from '../kit/service-auth/guard.js';
import type { AuthStore } from './store.js';

/** The `iss` of every access token. */
export const tokenIssuer = 'topolab-auth';
/** The `aud` of every access token. */
export const tokenAudience = 'topolab';
/** The `typ` header of every access token (RFC 9068). */
export const accessTokenType = 'at+jwt';

/** The Ed25519 key every auth instance signs with: the runtime creates it in the data dir and hands it over as a file (`TOPOLAB_AUTH_SIGNING_KEY_FILE`). */
export interface SigningKey {
  /** RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** The public key as published in the JWKS (with `kid`, `alg`, `use`). */
  readonly publicJwk: JWK;
}

/** Imports the signing key; its `kid` is the public key's RFC 7638 thumbprint, whatever the JWK says. */
export async function importSigningKey(privateJwk: PrivateJwk): Promise<SigningKey> {
  const bare: JWK = { kty: privateJwk.kty, crv: privateJwk.crv, x: privateJwk.x };
  const kid = await calculateJwkThumbprint(bare);
  return {
    kid,
    privateKey: (await importJWK({ ...bare, d: privateJwk.d }, 'EdDSA')) as CryptoKey,
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
  /** When the user logged in for this token's family (epoch seconds), as the database has it; null when unknown. */
  readonly authTime: number | null;
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
  /** When the user logged in (epoch seconds): the `auth_time` claim (RFC 9068 §2.2.1); left out when unknown. */
  readonly authTime?: number | null;
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
export type ServiceTokenSigning = ServiceTokenSubject;

/** Options of createAccessTokens. */
export interface AccessTokensOptions {
  readonly store: AuthStore;
  /** The signing key every auth instance of the topology shares. */
  readonly signingKey: PrivateJwk;
  /** Epoch ms now. @default Date.now */
  readonly clock?: () => number;
}

/** Creates the token signer and checker over the shared key (imported once). */
export async function createAccessTokens(options: AccessTokensOptions): Promise<AccessTokens> {
  const { store } = options;
  const clock = options.clock ?? Date.now;
  const key = await importSigningKey(options.signingKey);
  const verifyOptions = { algorithms: ['EdDSA'], issuer: tokenIssuer, audience: tokenAudience, typ: accessTokenType };

  return {
    kid: key.kid,
    jwks: () => ({ keys: [key.publicJwk] }),
    sign(claims) {
      const authTime = claims.authTime == null ? {} : { auth_time: claims.authTime };
      return new SignJWT({ username: claims.username, ...authTime })
        .setProtectedHeader({ alg: 'EdDSA', typ: accessTokenType, kid: key.kid })
        .setIssuer(tokenIssuer)
        .setAudience(tokenAudience)
        .setSubject(claims.userId)
        .setJti(claims.jti)
        .setIssuedAt(claims.iat)
        .setExpirationTime(claims.exp)
        .sign(key.privateKey);
    },
    signService(subject) {
      const { header, claims } = serviceTokenParts(subject, key.kid);
      return new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);
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
      return { sub, username, jti, iat, exp, familyId: row.familyId, authTime: row.authTime };
    },
  };
}
