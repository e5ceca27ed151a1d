import { describe, expect, it } from 'vitest';
import { parseGatewayConfig } from './config.js';
import { testGatewayEnv } from '#test-support/gateway.js';
import { configProblems } from '#test-support/kit.js';
import { testIdentityKey } from '#test-support/kit-identity.js';

const base = testGatewayEnv;

const problems = (env: NodeJS.ProcessEnv) => configProblems(parseGatewayConfig, env);

describe('parseGatewayConfig', () => {
  it('needs the identity key (a private JWK), and refuses a public one', () => {
    expect(() => parseGatewayConfig({ TOPOLAB_SERVICE: 'gateway', TOPOLAB_INSTANCE_ID: 'gateway#1' })).toThrow(/TOPOLAB_IDENTITY_KEY/);
    const { d: _private, ...publicOnly } = testIdentityKey.privateJwk;
    expect(() => parseGatewayConfig({ ...base, TOPOLAB_IDENTITY_KEY: JSON.stringify(publicOnly) })).toThrow(/TOPOLAB_IDENTITY_KEY/);
    expect(parseGatewayConfig(base).identityKey).toEqual(testIdentityKey.privateJwk);
  });

  it('fills the gateway defaults on top of the shared config', () => {
    const config = parseGatewayConfig(base);
    expect(config).toMatchObject({ service: 'gateway', bodyLimit: 1024 * 1024, upstreamTimeoutMs: 5000, discoveryMode: 'client', authMode: 'remote' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the timeout and the modes', () => {
    const config = parseGatewayConfig({ ...base, TOPOLAB_UPSTREAM_TIMEOUT_MS: '250', TOPOLAB_DISCOVERY_MODE: 'client', TOPOLAB_AUTH_MODE: 'remote' });
    expect(config.upstreamTimeoutMs).toBe(250);
  });

  it('names the variable and the valid values for an unknown mode', () => {
    const [discovery] = problems({ ...base, TOPOLAB_DISCOVERY_MODE: 'dns' });
    expect(discovery).toContain('TOPOLAB_DISCOVERY_MODE');
    expect(discovery).toContain('client');
    const [auth] = problems({ ...base, TOPOLAB_AUTH_MODE: 'none' });
    expect(auth).toContain('TOPOLAB_AUTH_MODE');
    expect(auth).toContain('remote');
    expect(problems({ ...base, TOPOLAB_UPSTREAM_TIMEOUT_MS: '-1' })[0]).toContain('TOPOLAB_UPSTREAM_TIMEOUT_MS');
  });
});
