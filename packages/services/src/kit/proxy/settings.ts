import { envNames } from '../../contract/env.js';
import * as z from '../zod.js';

/** Settings of every proxy that picks instances itself (the gateway in client mode, the lb). */
export interface ProxySettings {
  /** How long an upstream may stay silent before the attempt times out. @default 5000 */
  readonly upstreamTimeoutMs: number;
  /** Consecutive connection failures or timeouts after which an instance is skipped until the registry vouches for it. @default 5 */
  readonly passiveHealthFailures: number;
  /**
   * Idle time between two chunks of a client's streamed body after which the attempt is cancelled
   * and the client answered 408; a failure the client caused never counts against the upstream.
   * @default 10000
   */
  readonly clientBodyTimeoutMs: number;
}

/** The client body timeout of a proxy told none (nginx waits 60 s; a lab's client is either sending or gone). */
export const defaultClientBodyTimeoutMs = 10_000;

const positiveInteger = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.gte(1)), fallback);

/** `TOPOLAB_*` variables of the proxy settings. */
export const proxySettingsSchema = z.object({
  [envNames.upstreamTimeoutMs]: positiveInteger(5000),
  [envNames.passiveHealthFailures]: positiveInteger(5),
  [envNames.clientBodyTimeoutMs]: positiveInteger(defaultClientBodyTimeoutMs),
});

/** Maps the validated variables to settings. */
export function toProxySettings(raw: z.output<typeof proxySettingsSchema>): ProxySettings {
  return { upstreamTimeoutMs: raw[envNames.upstreamTimeoutMs], passiveHealthFailures: raw[envNames.passiveHealthFailures], clientBodyTimeoutMs: raw[envNames.clientBodyTimeoutMs] };
}
