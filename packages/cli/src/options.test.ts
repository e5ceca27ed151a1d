import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parsePhoneNumber, parsePort, parseReplicas } from './options.js';

describe('option parsers', () => {
  it('reads ports, 0 included', () => {
    expect(parsePort('8080')).toBe(8080);
    expect(parsePort('0')).toBe(0);
    for (const bad of ['-1', '65536', 'http', '80.5', '']) expect(() => parsePort(bad)).toThrow(InvalidArgumentError);
  });

  it('accumulates replicas from repeated and comma-separated flags', () => {
    expect(parseReplicas('profile=3', parseReplicas('auth=2'))).toEqual({ auth: 2, profile: 3 });
    expect(parseReplicas('profile=3,sms=2')).toEqual({ profile: 3, sms: 2 });
    for (const bad of ['profile', 'profile=0', 'profile=x', '=3', 'Profile=2', 'a=1=2']) {
      expect(() => parseReplicas(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('reads E.164 phone numbers only', () => {
    expect(parsePhoneNumber('+447700900123')).toBe('+447700900123');
    for (const bad of ['07700900123', '+0123456789', '+44 7700 900123']) expect(() => parsePhoneNumber(bad)).toThrow(InvalidArgumentError);
  });
});
