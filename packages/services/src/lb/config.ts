import { parseEnv, parseServiceConfig, type ServiceConfig } from '../kit/config.js';
import { proxySettingsSchema, toProxySettings, type ProxySettings } from '../kit/proxy/settings.js';

/** The validated, frozen configuration of an lb instance: the shared config plus the proxy's. */
export type LbConfig = ServiceConfig & ProxySettings;

/** Reads the lb's configuration once, at start; throws a ConfigError naming each bad variable. */
export function parseLbConfig(env: NodeJS.ProcessEnv = process.env): LbConfig {
  return Object.freeze({ ...parseServiceConfig(env), ...toProxySettings(parseEnv(proxySettingsSchema, env)) });
}
