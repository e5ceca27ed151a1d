import { envNames } from '../../contract/env.js';
import * as z from '../zod.js';

/** How long cached token verdicts live, in the gateway's `local` mode and in the sidecar. */
export interface TokenCacheSettings {
  /** Lifetime of a verdict while revocations flow on the bus (never past the token's exp). @default 60000 */
  readonly authCacheTtlMs: number;
  /**
   * Lifetime of a verdict while the bus is unreachable (revocations may be missed). A revoked
   * token is accepted at most this long after its revocation when the bus stops, and at most
   * this plus the bus client's 3 s idle timeout when it silently stalls (see TokenVerdicts). @default 1000
   */
  readonly authFallbackTtlMs: number;
}

/** Default of `TOPOLAB_AUTH_CACHE_TTL_MS`. */
export const defaultAuthCacheTtlMs = 60_000;
/** Default of `TOPOLAB_AUTH_FALLBACK_TTL_MS`. */
export const defaultAuthFallbackTtlMs = 1000;

const milliseconds = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.gte(1)), fallback);

/** `TOPOLAB_AUTH_CACHE_TTL_MS` and `TOPOLAB_AUTH_FALLBACK_TTL_MS`. */
export const tokenCacheSettingsSchema = z.object({
  [envNames.authCacheTtlMs]: milliseconds(defaultAuthCacheTtlMs),
  [envNames.authFallbackTtlMs]: milliseconds(defaultAuthFallbackTtlMs),
});

/** Maps the validated variables to settings. */
export function toTokenCacheSettings(raw: z.output<typeof tokenCacheSettingsSchema>): TokenCacheSettings {
  return { authCacheTtlMs: raw[envNames.authCacheTtlMs], authFallbackTtlMs: raw[envNames.authFallbackTtlMs] };
}

/** Whether `hostname` (as `URL` or the `TOPOLAB_HOST` variable gives it) is a loopback address: where a sidecar must live. */
export function isLoopbackHost(hostname: string): boolean {
  return /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]' || hostname === '::1' || hostname === 'localhost';
}
