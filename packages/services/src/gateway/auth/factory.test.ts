import { describe, expect, it, onTestFinished } from 'vitest';
import { authModeNames } from './auth-mode.js';
import { startAuthModeFixture } from '#test-support/gateway-auth.js';

describe('createAuthMode', () => {
  it.each(authModeNames.filter((name) => name !== 'sidecar'))('builds the %s mode', async (name) => {
    const f = await startAuthModeFixture();
    onTestFinished(() => f.close());
    expect(f.mode(name).name).toBe(name);
  });

  it('builds the sidecar mode only with a sidecar URL', async () => {
    const f = await startAuthModeFixture();
    onTestFinished(() => f.close());
    expect(() => f.mode('sidecar')).toThrow(/TOPOLAB_SIDECAR_URL/);
    const withUrl = await startAuthModeFixture({ env: { TOPOLAB_SIDECAR_URL: 'http://127.0.9.1:40000' } });
    onTestFinished(() => withUrl.close());
    expect(withUrl.mode('sidecar').name).toBe('sidecar');
  });
});
