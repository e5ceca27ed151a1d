import { describe, expect, it } from 'vitest';
import { parseLbConfig } from './config.js';
import { configProblems } from '#test-support/kit.js';

const base = { TOPOLAB_SERVICE: 'lb', TOPOLAB_INSTANCE_ID: 'lb#1' };

const problems = (env: NodeJS.ProcessEnv) => configProblems(parseLbConfig, env);

describe('parseLbConfig', () => {
  it('fills the proxy defaults on top of the shared config', () => {
    const config = parseLbConfig(base);
    expect(config).toMatchObject({ service: 'lb', instanceId: 'lb#1', bodyLimit: 1024 * 1024, upstreamTimeoutMs: 5000, passiveHealthFailures: 5 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the timeout and the passive health threshold, and names a bad variable', () => {
    expect(parseLbConfig({ ...base, TOPOLAB_UPSTREAM_TIMEOUT_MS: '250', TOPOLAB_PASSIVE_HEALTH_FAILURES: '3' })).toMatchObject({ upstreamTimeoutMs: 250, passiveHealthFailures: 3 });
    expect(problems({ ...base, TOPOLAB_PASSIVE_HEALTH_FAILURES: '0' })[0]).toContain('TOPOLAB_PASSIVE_HEALTH_FAILURES');
    expect(problems({ ...base, TOPOLAB_UPSTREAM_TIMEOUT_MS: 'soon' })[0]).toContain('TOPOLAB_UPSTREAM_TIMEOUT_MS');
  });
});
