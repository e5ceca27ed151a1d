import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../kit/config.js';
import { discoverySettingsSchema, toDiscoverySettings } from './settings.js';
import { configProblems } from '#test-support/kit.js';

const read = (env: NodeJS.ProcessEnv) => toDiscoverySettings(parseEnv(discoverySettingsSchema, env));

describe('discovery settings', () => {
  it('defaults to client mode, a 5 s timeout, 5 failures before a skip and 10 s of a silent client body', () => {
    expect(read({})).toEqual({ discoveryMode: 'client', upstreamTimeoutMs: 5000, passiveHealthFailures: 5, clientBodyTimeoutMs: 10_000 });
  });

  it('reads server mode and the passive health threshold', () => {
    expect(read({ TOPOLAB_DISCOVERY_MODE: 'server', TOPOLAB_PASSIVE_HEALTH_FAILURES: '2' })).toMatchObject({ discoveryMode: 'server', passiveHealthFailures: 2 });
  });

  it('names TOPOLAB_PASSIVE_HEALTH_FAILURES when it is not a positive whole number', () => {
    for (const bad of ['0', '-1', '1.5', 'x']) {
      expect(configProblems(read, { TOPOLAB_PASSIVE_HEALTH_FAILURES: bad }).join(' '), bad).toContain('TOPOLAB_PASSIVE_HEALTH_FAILURES');
    }
  });
});
