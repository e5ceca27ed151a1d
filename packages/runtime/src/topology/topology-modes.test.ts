import { describe, expect, it } from 'vitest';
import { allowsNoAuth, defaultModes, formatModes, modesEnv, validateModes } from './topology-modes.js';

describe('validateModes', () => {
  it('fills the defaults and applies a partial change', () => {
    expect(validateModes({})).toEqual(defaultModes);
    expect(defaultModes).toEqual({ discovery: 'client', auth: 'remote' });
    expect(validateModes({ auth: 'sidecar' }, { discovery: 'server', auth: 'local' })).toEqual({ discovery: 'server', auth: 'sidecar' });
    expect(Object.isFrozen(validateModes({ discovery: 'server' }))).toBe(true);
  });

  it('rejects unknown names with TOPOLOGY_INVALID_MODE (exit 2), listing the valid values', () => {
    for (const bad of [{ discovery: 'dns' }, { auth: 'none' }, { auth: 3 }, { discovery: '' }]) {
      const error = (() => {
        try {
          validateModes(bad);
        } catch (caught) {
          return caught as { code: string; exitCode: number; details: { valid: string[] } };
        }
        return undefined;
      })();
      expect(error).toMatchObject({ code: 'TOPOLOGY_INVALID_MODE', exitCode: 2 });
      expect(error?.details.valid.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('accepts the bench-only auth mode none only with the bench\'s opt-in', () => {
    expect(() => validateModes({ auth: 'none' }, defaultModes, { noAuth: false })).toThrow(expect.objectContaining({ code: 'TOPOLOGY_INVALID_MODE' }));
    expect(validateModes({ auth: 'none' }, defaultModes, { noAuth: true })).toEqual({ discovery: 'client', auth: 'none' });
    expect(allowsNoAuth({ TOPOLAB_BENCH_NO_AUTH: '1' })).toBe(true);
    expect(allowsNoAuth({ TOPOLAB_BENCH_NO_AUTH: 'true' })).toBe(false);
    expect(allowsNoAuth({})).toBe(false);
  });

  it('turns modes into the gateway variables and a line for people', () => {
    expect(modesEnv({ discovery: 'server', auth: 'global' })).toEqual({ TOPOLAB_DISCOVERY_MODE: 'server', TOPOLAB_AUTH_MODE: 'global' });
    expect(formatModes(defaultModes)).toBe('discovery client · auth remote');
  });
});
