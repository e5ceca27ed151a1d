import { describe, expect, it } from 'vitest';
import { ConfigError } from '../kit/config.js';
import { parseAuthConfig, parseAuthSettings } from './config.js';
import { testSigningKey } from '#test-support/auth.js';

// The runtime hands auth its signing key as a file; the variable itself is what `_FILE` resolves to.
const key = { TOPOLAB_AUTH_SIGNING_KEY: JSON.stringify(testSigningKey) };

describe('auth configuration', () => {
  it('defaults to 15 minute access tokens and 30 day refresh tokens', () => {
    expect(parseAuthSettings(key)).toEqual({ accessTokenTtlS: 900, refreshTokenTtlS: 2_592_000, signingKey: testSigningKey });
  });

  it('needs the signing key, and refuses one without its private part', () => {
    expect(() => parseAuthSettings({})).toThrow(/TOPOLAB_AUTH_SIGNING_KEY/);
    const { d: _private, ...publicOnly } = testSigningKey;
    expect(() => parseAuthSettings({ TOPOLAB_AUTH_SIGNING_KEY: JSON.stringify(publicOnly) })).toThrow(/TOPOLAB_AUTH_SIGNING_KEY/);
  });

  it('reads TOPOLAB_ACCESS_TOKEN_TTL_S and TOPOLAB_REFRESH_TOKEN_TTL_S', () => {
    const config = parseAuthConfig({
      TOPOLAB_SERVICE: 'auth',
      TOPOLAB_INSTANCE_ID: 'auth#1',
      ...key,
      TOPOLAB_ACCESS_TOKEN_TTL_S: '60',
      TOPOLAB_REFRESH_TOKEN_TTL_S: '3600',
    });
    expect(config).toMatchObject({ service: 'auth', instanceId: 'auth#1', accessTokenTtlS: 60, refreshTokenTtlS: 3600 });
  });

  it.each(['0', '-5', '1.5', 'soon'])('refuses the lifetime %s naming the variable', (value) => {
    const error = (() => {
      try {
        parseAuthSettings({ ...key, TOPOLAB_ACCESS_TOKEN_TTL_S: value });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join()).toContain('TOPOLAB_ACCESS_TOKEN_TTL_S');
  });
});
