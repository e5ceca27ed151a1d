import { z } from 'zod';
import { envNames } from '../contract/env.js';
import { parseEnv, parseServiceConfig, type ServiceConfig } from '../kit/config.js';
import { authModeNames, type AuthModeName } from './auth/auth-mode.js';
import { discoveryModeNames, type DiscoveryModeName } from './discovery/discovery-mode.js';

/** The gateway's own settings, on top of what every instance reads. */
export interface GatewaySettings {
  /** How long an upstream may stay silent before the gateway answers 504. @default 5000 */
  readonly upstreamTimeoutMs: number;
  /** The discovery mode at start. @default 'client' */
  readonly discoveryMode: DiscoveryModeName;
  /** The auth mode at start. @default 'remote' */
  readonly authMode: AuthModeName;
}

/** The validated, frozen configuration of a gateway instance. */
export type GatewayConfig = ServiceConfig & GatewaySettings;

const settingsSchema = z.object({
  [envNames.upstreamTimeoutMs]: z.coerce.number().int().min(1).default(5000),
  [envNames.discoveryMode]: z.enum(discoveryModeNames).default('client'),
  [envNames.authMode]: z.enum(authModeNames).default('remote'),
});

/** Reads the gateway's configuration once, at start; throws a ConfigError naming each bad variable and the valid values. */
export function parseGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const base = parseServiceConfig(env);
  const raw = parseEnv(settingsSchema, env);
  return Object.freeze({
    ...base,
    upstreamTimeoutMs: raw[envNames.upstreamTimeoutMs],
    discoveryMode: raw[envNames.discoveryMode],
    authMode: raw[envNames.authMode],
  });
}
