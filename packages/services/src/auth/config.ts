import { envNames } from '../contract/env.js';
import { parseEnv, parseServiceConfig, type ServiceConfig } from '../kit/config.js';
import type { PrivateJwk } from '../contract/signing-keys.js';
import { privateJwkSchema } from '../kit/jwk.js';
import * as z from '../kit/zod.js';

const seconds = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.gte(1)), fallback);

const authEnvSchema = z.object({
  [envNames.accessTokenTtlS]: seconds(900),
  [envNames.refreshTokenTtlS]: seconds(30 * 24 * 3600),
  [envNames.clientKey]: z.optional(z.string().check(z.minLength(32))),
  [envNames.authSigningKey]: privateJwkSchema,
});

/** Token lifetimes of auth. */
export interface AuthSettings {
  /** Lifetime of an access JWT in seconds. @default 900 */
  readonly accessTokenTtlS: number;
  /** Lifetime of a refresh token in seconds. @default 2592000 (30 days) */
  readonly refreshTokenTtlS: number;
  /** The topology's client key, from which every instance's client secret is derived; without it no service token is issued. */
  readonly clientKey?: string | undefined;
}

/** What auth reads besides its settings: the key it signs with (required: the runtime creates it). */
export interface AuthKeys {
  readonly signingKey: PrivateJwk;
}

/** The configuration of an auth instance: the shared one plus token lifetimes. */
export interface AuthConfig extends ServiceConfig, AuthSettings, AuthKeys {}

/** Reads the token lifetimes (`TOPOLAB_ACCESS_TOKEN_TTL_S`, `TOPOLAB_REFRESH_TOKEN_TTL_S`), the client key and the signing key. */
export function parseAuthSettings(env: NodeJS.ProcessEnv = process.env): AuthSettings & AuthKeys {
  const raw = parseEnv(authEnvSchema, env);
  return Object.freeze({
    accessTokenTtlS: raw[envNames.accessTokenTtlS],
    refreshTokenTtlS: raw[envNames.refreshTokenTtlS],
    clientKey: raw[envNames.clientKey],
    signingKey: raw[envNames.authSigningKey],
  });
}

/** Reads the whole auth configuration once, at start. */
export function parseAuthConfig(env: NodeJS.ProcessEnv = process.env, base: ServiceConfig = parseServiceConfig(env)): AuthConfig {
  return Object.freeze({ ...base, ...parseAuthSettings(env) });
}
