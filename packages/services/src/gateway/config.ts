import { parseEnv, parseServiceConfig, type ServiceConfig } from '../kit/config.js';
import { authSettingsSchema, toAuthSettings, type AuthSettings } from './auth/settings.js';
import { edgeSettingsSchema, toEdgeSettings, type EdgeSettings } from './edge/settings.js';
import { discoverySettingsSchema, toDiscoverySettings, type DiscoverySettings } from './discovery/settings.js';
import { identitySettingsSchema, toIdentitySettings, type IdentitySettings } from './identity-settings.js';
import { limitSettingsSchema, toLimitSettings, type LimitSettings } from './limits/settings.js';

/** The gateway's own settings, on top of what every instance reads; each concern declares its part. */
export type GatewaySettings = DiscoverySettings & AuthSettings & LimitSettings & EdgeSettings & IdentitySettings;

/** The validated, frozen configuration of a gateway instance. */
export type GatewayConfig = ServiceConfig & GatewaySettings;

/** Reads the gateway's configuration once, at start; throws a ConfigError naming each bad variable and the valid values. */
export function parseGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const base = parseServiceConfig(env);
  return Object.freeze({
    ...base,
    ...toDiscoverySettings(parseEnv(discoverySettingsSchema, env)),
    ...toAuthSettings(parseEnv(authSettingsSchema, env)),
    ...toLimitSettings(parseEnv(limitSettingsSchema, env)),
    ...toEdgeSettings(parseEnv(edgeSettingsSchema, env)),
    ...toIdentitySettings(parseEnv(identitySettingsSchema, env)),
  });
}
