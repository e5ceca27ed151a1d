import { z } from 'zod';
import { envNames } from '../../contract/env.js';
import { isLoopbackHost, tokenCacheSettingsSchema, toTokenCacheSettings, type TokenCacheSettings } from '../../kit/token-cache/settings.js';
import { authModeNames, type AuthModeName } from './auth-mode.js';

/** The gateway's auth settings. */
export interface AuthSettings extends TokenCacheSettings {
  /** The auth mode at start. @default 'remote' */
  readonly authMode: AuthModeName;
  /** The loopback URL of this gateway's own sidecar; needed only by the `sidecar` mode. @default undefined */
  readonly sidecarUrl: string | undefined;
}

// The sidecar answers "whose token is this" in clear text: it must never be reached over a network.
const loopbackUrl = z.url({ protocol: /^http$/ }).refine((value) => URL.canParse(value) && isLoopbackHost(new URL(value).hostname), 'must be an http URL on a loopback address');

/** `TOPOLAB_*` variables of the auth settings. */
export const authSettingsSchema = z.object({
  [envNames.authMode]: z.enum(authModeNames).default('remote'),
  [envNames.sidecarUrl]: loopbackUrl.optional(),
  ...tokenCacheSettingsSchema.shape,
});

/** Maps the validated variables to settings. */
export function toAuthSettings(raw: z.output<typeof authSettingsSchema>): AuthSettings {
  return { authMode: raw[envNames.authMode], sidecarUrl: raw[envNames.sidecarUrl], ...toTokenCacheSettings(raw) };
}
