import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../kit/config.js';
import { parseGatewayConfig } from '../config.js';
import { defaultLimitSettings, pickLimitSettings } from './settings.js';
import { testGatewayEnv } from '#test-support/gateway.js';
import { configProblems } from '#test-support/kit.js';

const base = testGatewayEnv;

const problems = (env: NodeJS.ProcessEnv) => configProblems(parseGatewayConfig, env);

describe('limit settings', () => {
  it('default to 50 req/s, burst 100, and a 30 s block after 20 refusals in 10 s', () => {
    expect(parseGatewayConfig(base)).toMatchObject({ rateLimitRps: 50, rateLimitBurst: 100, blacklistThreshold: 20, blacklistWindowMs: 10_000, blacklistBlockMs: 30_000 });
    expect(pickLimitSettings({})).toEqual(defaultLimitSettings);
  });

  it('read the TOPOLAB_* variables', () => {
    const config = parseGatewayConfig({
      ...base,
      TOPOLAB_RATE_LIMIT_RPS: '0.5',
      TOPOLAB_RATE_LIMIT_BURST: '3',
      TOPOLAB_BLACKLIST_THRESHOLD: '0',
      TOPOLAB_BLACKLIST_WINDOW_MS: '500',
      TOPOLAB_BLACKLIST_BLOCK_MS: '1000',
    });
    expect(pickLimitSettings(config)).toEqual({ rateLimitRps: 0.5, rateLimitBurst: 3, blacklistThreshold: 0, blacklistWindowMs: 500, blacklistBlockMs: 1000 });
  });

  it('name each bad variable', () => {
    expect(problems({ ...base, TOPOLAB_RATE_LIMIT_RPS: '-1' })[0]).toContain('TOPOLAB_RATE_LIMIT_RPS');
    expect(problems({ ...base, TOPOLAB_RATE_LIMIT_BURST: '0' })[0]).toContain('TOPOLAB_RATE_LIMIT_BURST');
    expect(problems({ ...base, TOPOLAB_BLACKLIST_WINDOW_MS: 'soon' })[0]).toContain('TOPOLAB_BLACKLIST_WINDOW_MS');
    expect(() => pickLimitSettings({ blacklistBlockMs: 0 })).toThrow(ConfigError);
  });
});
