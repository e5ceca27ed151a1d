import { envNames } from '../contract/env.js';
import { parseEnv } from '../kit/config.js';
import { defaultKeepAliveMs } from './topic-streams.js';
import * as z from '../kit/zod.js';

/** The bus's own settings, besides the shared ones. */
export interface BusSettings {
  /** Interval of the stream `:keep-alive` comment, ms; keep it at most a third of subscribers' 3 s idle timeout. @default 1000 */
  readonly keepAliveMs: number;
}

const busSettingsSchema = z.object({
  [envNames.busKeepAliveMs]: z._default(z.coerce.number().check(z.int(), z.gte(10), z.lte(60_000)), defaultKeepAliveMs),
});

/** Reads `TOPOLAB_BUS_KEEP_ALIVE_MS`; throws a ConfigError when it is not an integer in 10..60000. */
export function parseBusSettings(env: NodeJS.ProcessEnv = process.env): BusSettings {
  return Object.freeze({ keepAliveMs: parseEnv(busSettingsSchema, env)[envNames.busKeepAliveMs] });
}
