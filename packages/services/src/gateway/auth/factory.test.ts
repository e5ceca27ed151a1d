import { describe, expect, it } from 'vitest';
import { authModeNames } from './auth-mode.js';
import { startAuthModeFixture } from '#test-support/gateway-auth.js';
import { closeAfterTest } from '#test-support/kit.js';

describe('createAuthMode', () => {
  it.each(authModeNames.filter((name) => name !== 'sidecar'))('builds the %s mode', async (name) => {
    const f = await closeAfterTest(startAuthModeFixture());
    expect(f.mode(name).name).toBe(name);
  });

  it('builds the sidecar mode only with a sidecar URL', async () => {
    const f = await closeAfterTest(startAuthModeFixture());
    expect(() => f.mode('sidecar')).toThrow(/TOPOLAB_SIDECAR_URL/);
    const withUrl = await closeAfterTest(startAuthModeFixture({ env: { TOPOLAB_SIDECAR_URL: 'http://127.0.9.1:40000' } }));
    expect(withUrl.mode('sidecar').name).toBe('sidecar');
  });
});
