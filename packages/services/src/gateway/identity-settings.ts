import { envNames } from '../contract/env.js';
import type { PrivateJwk } from '../contract/signing-keys.js';
import { privateJwkSchema } from '../kit/jwk.js';
import * as z from '../kit/zod.js';

/** The key the gateway signs identity assertions with (contract/identity.ts). */
export interface IdentitySettings {
  readonly identityKey: PrivateJwk;
}

/** `TOPOLAB_IDENTITY_KEY` (or `_FILE`, as the runtime hands it over): required, a gateway cannot name a user without it. */
export const identitySettingsSchema = z.object({ [envNames.identityKey]: privateJwkSchema });

/** Maps the validated variables to settings. */
export function toIdentitySettings(raw: z.output<typeof identitySettingsSchema>): IdentitySettings {
  return { identityKey: raw[envNames.identityKey] };
}
