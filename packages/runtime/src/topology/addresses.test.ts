import { describe, expect, it } from 'vitest';
import { formatHttpUrl, planAddress } from './addresses.js';

const profile = { name: 'profile', addressOctet: 5 } as const;
const gateway = { name: 'gateway', addressOctet: 2, listener: 'edge' } as const;

describe('planAddress', () => {
  it('gives each instance its own loopback address on Linux, port 0', () => {
    expect(planAddress({ spec: profile, index: 1, platform: 'linux' })).toEqual({ host: '127.0.5.1', port: 0 });
    expect(planAddress({ spec: profile, index: 2, platform: 'linux' })).toEqual({ host: '127.0.5.2', port: 0 });
  });

  it('falls back to 127.0.0.1 elsewhere', () => {
    expect(planAddress({ spec: profile, index: 2, platform: 'darwin' })).toEqual({ host: '127.0.0.1', port: 0 });
    expect(planAddress({ spec: profile, index: 1, platform: 'win32' })).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it('puts every gateway on the public host, on consecutive ports from the public one', () => {
    expect(planAddress({ spec: gateway, index: 1, platform: 'linux' })).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(planAddress({ spec: gateway, index: 2, platform: 'linux' })).toEqual({ host: '127.0.0.1', port: 8081 });
    expect(planAddress({ spec: gateway, index: 3, platform: 'linux', gatewayPort: 9000 })).toEqual({ host: '127.0.0.1', port: 9002 });
    expect(planAddress({ spec: gateway, index: 1, platform: 'linux', gatewayPort: 0, gatewayHost: '0.0.0.0' })).toEqual({ host: '0.0.0.0', port: 0 });
    expect(planAddress({ spec: gateway, index: 2, platform: 'linux', gatewayPort: 0 })).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it('rejects an index outside 1..254', () => {
    expect(() => planAddress({ spec: profile, index: 0 })).toThrow(RangeError);
    expect(() => planAddress({ spec: profile, index: 255 })).toThrow(RangeError);
  });
});

describe('formatHttpUrl', () => {
  it('makes wildcard and IPv6 hosts dialable', () => {
    expect(formatHttpUrl('127.0.1.1', 4000)).toBe('http://127.0.1.1:4000');
    expect(formatHttpUrl('0.0.0.0', 8080)).toBe('http://127.0.0.1:8080');
    expect(formatHttpUrl('::', 8080)).toBe('http://[::1]:8080');
  });
});
