import { describe, expect, it } from 'vitest';
import { ConfigError } from '../kit/config.js';
import { parseSidecarConfig } from './config.js';

const base = { TOPOLAB_SERVICE: 'sidecar', TOPOLAB_INSTANCE_ID: 'sidecar#1' };

describe('parseSidecarConfig', () => {
  it('reads the verdict lifetimes with their defaults', () => {
    expect(parseSidecarConfig({ ...base, TOPOLAB_HOST: '127.0.9.1' })).toMatchObject({ host: '127.0.9.1', authCacheTtlMs: 60_000, authFallbackTtlMs: 1000 });
    expect(parseSidecarConfig({ ...base, TOPOLAB_AUTH_CACHE_TTL_MS: '5000', TOPOLAB_AUTH_FALLBACK_TTL_MS: '250' })).toMatchObject({ authCacheTtlMs: 5000, authFallbackTtlMs: 250 });
  });

  it('refuses a host that is not loopback, and bad lifetimes', () => {
    expect(() => parseSidecarConfig({ ...base, TOPOLAB_HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => parseSidecarConfig({ ...base, TOPOLAB_AUTH_FALLBACK_TTL_MS: '0' })).toThrow(ConfigError);
  });
});
