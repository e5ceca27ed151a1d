import { envNames } from '../../contract/env.js';
import { defaultLimitSettings, type LimitSettings } from '../../contract/limits.js';
import { ConfigError } from '../../kit/config.js';
import * as z from '../../kit/zod.js';

export { defaultLimitSettings, type LimitSettings } from '../../contract/limits.js';

/** `TOPOLAB_*` variables of the limit settings. */
export const limitSettingsSchema = z.object({
  [envNames.rateLimitRps]: z._default(z.coerce.number().check(z.gte(0)), defaultLimitSettings.rateLimitRps),
  [envNames.rateLimitBurst]: z._default(z.coerce.number().check(z.int(), z.gte(1)), defaultLimitSettings.rateLimitBurst),
  [envNames.blacklistThreshold]: z._default(z.coerce.number().check(z.int(), z.gte(0)), defaultLimitSettings.blacklistThreshold),
  [envNames.blacklistWindowMs]: z._default(z.coerce.number().check(z.int(), z.gte(1)), defaultLimitSettings.blacklistWindowMs),
  [envNames.blacklistBlockMs]: z._default(z.coerce.number().check(z.int(), z.gte(1)), defaultLimitSettings.blacklistBlockMs),
});

/** Maps the validated variables to settings. */
export function toLimitSettings(raw: z.output<typeof limitSettingsSchema>): LimitSettings {
  return {
    rateLimitRps: raw[envNames.rateLimitRps],
    rateLimitBurst: raw[envNames.rateLimitBurst],
    blacklistThreshold: raw[envNames.blacklistThreshold],
    blacklistWindowMs: raw[envNames.blacklistWindowMs],
    blacklistBlockMs: raw[envNames.blacklistBlockMs],
  };
}

/** Picks the limit settings out of a larger config, filling what it lacks with the defaults. */
export function pickLimitSettings(config: Partial<LimitSettings>): LimitSettings {
  return validateLimitSettings({
    rateLimitRps: config.rateLimitRps ?? defaultLimitSettings.rateLimitRps,
    rateLimitBurst: config.rateLimitBurst ?? defaultLimitSettings.rateLimitBurst,
    blacklistThreshold: config.blacklistThreshold ?? defaultLimitSettings.blacklistThreshold,
    blacklistWindowMs: config.blacklistWindowMs ?? defaultLimitSettings.blacklistWindowMs,
    blacklistBlockMs: config.blacklistBlockMs ?? defaultLimitSettings.blacklistBlockMs,
  });
}

/** Checks settings given at run time with the same rules as the environment; returns a frozen copy or throws a ConfigError. */
export function validateLimitSettings(settings: LimitSettings): LimitSettings {
  const problems: string[] = [];
  const expect = (name: keyof LimitSettings, ok: (value: number) => boolean, rule: string) => {
    const value = settings[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) problems.push(`Expected \`${name}\` to be ${rule}, got ${String(value)}`);
  };
  expect('rateLimitRps', (value) => value >= 0, 'a non-negative number');
  expect('rateLimitBurst', (value) => Number.isInteger(value) && value >= 1, 'a positive integer');
  expect('blacklistThreshold', (value) => Number.isInteger(value) && value >= 0, 'a non-negative integer');
  expect('blacklistWindowMs', (value) => Number.isInteger(value) && value >= 1, 'a positive integer');
  expect('blacklistBlockMs', (value) => Number.isInteger(value) && value >= 1, 'a positive integer');
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ ...settings });
}
