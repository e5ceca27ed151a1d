import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../kit/config.js';
import { parseGatewayConfig } from '../config.js';
import { testGatewayEnv } from '#test-support/gateway.js';

const base = testGatewayEnv;

describe('gateway auth settings', () => {
  it('defaults the verdict lifetimes and has no sidecar URL', () => {
    expect(parseGatewayConfig(base)).toMatchObject({ authMode: 'remote', sidecarUrl: undefined, authCacheTtlMs: 60_000, authFallbackTtlMs: 1000 });
  });

  it('reads a loopback sidecar URL and the lifetimes', () => {
    const config = parseGatewayConfig({ ...base, TOPOLAB_AUTH_MODE: 'sidecar', TOPOLAB_SIDECAR_URL: 'http://127.0.9.1:41234', TOPOLAB_AUTH_CACHE_TTL_MS: '5000', TOPOLAB_AUTH_FALLBACK_TTL_MS: '200' });
    expect(config).toMatchObject({ authMode: 'sidecar', sidecarUrl: 'http://127.0.9.1:41234', authCacheTtlMs: 5000, authFallbackTtlMs: 200 });
  });

  it.each(['http://10.0.0.5:4000', 'https://127.0.9.1:1', 'not a url'])('refuses the sidecar URL %s', (url) => {
    expect(() => parseGatewayConfig({ ...base, TOPOLAB_SIDECAR_URL: url })).toThrow(ConfigError);
  });
});
