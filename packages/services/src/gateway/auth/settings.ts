import { z } from 'zod';
import { envNames } from '../../contract/env.js';
import { authModeNames, type AuthModeName } from './auth-mode.js';

/** The gateway's auth settings. */
export interface AuthSettings {
  /** The auth mode at start. @default 'remote' */
  readonly authMode: AuthModeName;
}

/** `TOPOLAB_*` variables of the auth settings. */
export const authSettingsSchema = z.object({
  [envNames.authMode]: z.enum(authModeNames).default('remote'),
});

/** Maps the validated variables to settings. */
export function toAuthSettings(raw: z.output<typeof authSettingsSchema>): AuthSettings {
  return { authMode: raw[envNames.authMode] };
}
