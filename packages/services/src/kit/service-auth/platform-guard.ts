import { envNames } from '../../contract/env.js';
import { ConfigError, parseServiceConfig, type ServiceConfig } from '../config.js';

/**
 * The configuration of a platform part (the registry, the embedded bus and cache): it checks
 * service tokens with auth's key as handed over at start, since auth itself needs it before anyone
 * could ask auth for its keys, so it does not start without `TOPOLAB_AUTH_PUBLIC_KEY` (a
 * ConfigError naming the variable; never an open part by accident).
 */
export function parsePlatformConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const config = parseServiceConfig(env);
  if (!config.keys.auth) throw new ConfigError([`${envNames.authPublicKey}: required by ${config.service}, which checks service tokens with auth's key`]);
  return config;
}
