import { envNames } from '../../contract/env.js';
import { acceptedAuthModeNames, authModeNames, noAuthModeName, type GatewayAuthModeName } from '../../contract/modes.js';
import { isLoopbackHost, tokenCacheSettingsSchema, toTokenCacheSettings, type TokenCacheSettings } from '../../kit/token-cache/settings.js';
import * as z from '../../kit/zod.js';

/** The gateway's auth settings. */
export interface AuthSettings extends TokenCacheSettings {
  /** The auth mode at start (`none` only with `benchNoAuth`). @default 'remote' */
  readonly authMode: GatewayAuthModeName;
  /** The loopback URL of this gateway's own sidecar; needed only by the `sidecar` mode. @default undefined */
  readonly sidecarUrl: string | undefined;
  /** `TOPOLAB_BENCH_NO_AUTH=1`: the bench-only auth mode `none` may be used (at start or switched to). @default false */
  readonly benchNoAuth: boolean;
}

// The sidecar answers "whose token is this" in clear text: it must never be reached over a network.
const loopbackUrl = z.url({ protocol: /^http$/ }).check(z.refine((value) => URL.canParse(value) && isLoopbackHost(new URL(value).hostname), 'must be an http URL on a loopback address'));

/** `TOPOLAB_*` variables of the auth settings; `none` is refused unless `TOPOLAB_BENCH_NO_AUTH=1`. */
export const authSettingsSchema = z
  .object({
    [envNames.authMode]: z._default(z.enum(acceptedAuthModeNames(true)), 'remote'),
    [envNames.sidecarUrl]: z.optional(loopbackUrl),
    [envNames.benchNoAuth]: z._default(z.enum(['0', '1']), '0'),
    ...tokenCacheSettingsSchema.shape,
  })
  .check(
    z.refine((raw) => raw[envNames.authMode] !== noAuthModeName || raw[envNames.benchNoAuth] === '1', {
      path: [envNames.authMode],
      message: `expected one of ${authModeNames.join(', ')} ("${noAuthModeName}" is bench-only: it needs ${envNames.benchNoAuth}=1)`,
    }),
  );

/** Maps the validated variables to settings. */
export function toAuthSettings(raw: z.output<typeof authSettingsSchema>): AuthSettings {
  return { authMode: raw[envNames.authMode], sidecarUrl: raw[envNames.sidecarUrl], benchNoAuth: raw[envNames.benchNoAuth] === '1', ...toTokenCacheSettings(raw) };
}
