import { z } from 'zod';
import { envNames } from '../../contract/env.js';
import { discoveryModeNames, type DiscoveryModeName } from './discovery-mode.js';

/** The gateway's discovery settings. */
export interface DiscoverySettings {
  /** How long an upstream may stay silent before the gateway answers 504. @default 5000 */
  readonly upstreamTimeoutMs: number;
  /** The discovery mode at start. @default 'client' */
  readonly discoveryMode: DiscoveryModeName;
}

/** `TOPOLAB_*` variables of the discovery settings. */
export const discoverySettingsSchema = z.object({
  [envNames.upstreamTimeoutMs]: z.coerce.number().int().min(1).default(5000),
  [envNames.discoveryMode]: z.enum(discoveryModeNames).default('client'),
});

/** Maps the validated variables to settings. */
export function toDiscoverySettings(raw: z.output<typeof discoverySettingsSchema>): DiscoverySettings {
  return { upstreamTimeoutMs: raw[envNames.upstreamTimeoutMs], discoveryMode: raw[envNames.discoveryMode] };
}
