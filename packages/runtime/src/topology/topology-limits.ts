import { defaultLimitSettings, envNames, type LimitSettings } from '@topolab/services/contract';
import { runtimeError } from '../errors/error-codes.js';

/**
 * Fills the gateway's rate-limit and blacklist settings with the defaults (50 req/s, burst
 * 100; 20 answers 401/429 in 10 s block a client for 30 s) and checks them (CONFIG_INVALID).
 */
export function validateLimits(limits: Partial<LimitSettings>): LimitSettings {
  const merged = { ...defaultLimitSettings, ...limits };
  const checks: [keyof LimitSettings, number][] = [
    ['rateLimitRps', 0],
    ['rateLimitBurst', 1],
    ['blacklistThreshold', 0],
    ['blacklistWindowMs', 1],
    ['blacklistBlockMs', 1],
  ];
  for (const [name, min] of checks) {
    const value = merged[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (name !== 'rateLimitRps' && !Number.isInteger(value))) {
      throw runtimeError('CONFIG_INVALID', { message: `Expected the limit ${name} to be a number of at least ${min}, got ${String(value)}.` });
    }
  }
  return Object.freeze(merged);
}

/** The `TOPOLAB_*` variables that give a gateway these limits. */
export function limitsEnv(limits: LimitSettings): Record<string, string> {
  return {
    [envNames.rateLimitRps]: String(limits.rateLimitRps),
    [envNames.rateLimitBurst]: String(limits.rateLimitBurst),
    [envNames.blacklistThreshold]: String(limits.blacklistThreshold),
    [envNames.blacklistWindowMs]: String(limits.blacklistWindowMs),
    [envNames.blacklistBlockMs]: String(limits.blacklistBlockMs),
  };
}
