import { ConfigError, parseEnv, parseServiceConfig, type ServiceConfig } from '../kit/config.js';
import { envNames } from '../contract/env.js';
import { isLoopbackHost, tokenCacheSettingsSchema, toTokenCacheSettings, type TokenCacheSettings } from '../kit/token-cache/settings.js';

/** The validated, frozen configuration of a sidecar instance. */
export type SidecarConfig = ServiceConfig & TokenCacheSettings;

/**
 * Reads the sidecar's configuration once, at start: the shared variables plus
 * `TOPOLAB_AUTH_CACHE_TTL_MS` and `TOPOLAB_AUTH_FALLBACK_TTL_MS`. Throws a ConfigError when
 * `TOPOLAB_HOST` is not a loopback address: the sidecar answers "whose token is this" to anyone
 * who can reach it, so only its own host may.
 */
export function parseSidecarConfig(env: NodeJS.ProcessEnv = process.env): SidecarConfig {
  const base = parseServiceConfig(env);
  if (!isLoopbackHost(base.host)) throw new ConfigError([`${envNames.host}: the sidecar binds only a loopback address, got ${base.host}`]);
  return Object.freeze({ ...base, ...toTokenCacheSettings(parseEnv(tokenCacheSettingsSchema, env)) });
}
