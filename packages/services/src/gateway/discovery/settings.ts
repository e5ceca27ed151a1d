import { z } from 'zod';
import { envNames } from '../../contract/env.js';
import { proxySettingsSchema, toProxySettings, type ProxySettings } from '../../kit/proxy/settings.js';
import { discoveryModeNames, type DiscoveryModeName } from './discovery-mode.js';

/** The gateway's discovery settings: the proxy's (timeout, passive health) and the mode. */
export interface DiscoverySettings extends ProxySettings {
  /** The discovery mode at start. @default 'client' */
  readonly discoveryMode: DiscoveryModeName;
}

/** `TOPOLAB_*` variables of the discovery settings. */
export const discoverySettingsSchema = proxySettingsSchema.extend({
  [envNames.discoveryMode]: z.enum(discoveryModeNames).default('client'),
});

/** Maps the validated variables to settings. */
export function toDiscoverySettings(raw: z.output<typeof discoverySettingsSchema>): DiscoverySettings {
  return { ...toProxySettings(raw), discoveryMode: raw[envNames.discoveryMode] };
}
