import { describe, expect, it } from 'vitest';
import { ConfigError } from '../kit/config.js';
import { parseBusSettings } from './config.js';

describe('parseBusSettings', () => {
  it('sends a keep-alive every second unless told otherwise', () => {
    expect(parseBusSettings({})).toEqual({ keepAliveMs: 1000 });
    expect(parseBusSettings({ TOPOLAB_BUS_KEEP_ALIVE_MS: '250' })).toEqual({ keepAliveMs: 250 });
  });

  it.each(['0', '-5', '1.5', 'soon', '60001'])('refuses TOPOLAB_BUS_KEEP_ALIVE_MS=%s', (value) => {
    expect(() => parseBusSettings({ TOPOLAB_BUS_KEEP_ALIVE_MS: value })).toThrow(ConfigError);
  });
});
