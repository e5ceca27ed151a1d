import { envNames } from '../../contract/env.js';
import { proxySettingsSchema, toProxySettings, type ProxySettings } from '../../kit/proxy/settings.js';
import { discoveryModeNames, type DiscoveryModeName } from './discovery-mode.js';
import * as z from '../../kit/zod.js';

/** The gateway's discovery settings: the proxy's (timeout, passive health) and the mode. */
export interface DiscoverySettings extends ProxySettings {
  /** The discovery mode at start. @default 'client' */
  readonly discoveryMode: DiscoveryModeName;
}

/** `TOPOLAB_*` variables of the discovery settings. */
export const discoverySettingsSchema = z.extend(proxySettingsSchema, {
  [envNames.discoveryMode]: z._default(z.enum(discoveryModeNames), 'client'),
});

/** Maps the validated variables to settings. */
export function toDiscoverySettings(raw: z.output<typeof discoverySettingsSchema>): DiscoverySettings {
  return { ...toProxySettings(raw), discoveryMode: raw[envNames.discoveryMode] };
}
