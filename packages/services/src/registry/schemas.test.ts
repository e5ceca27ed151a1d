import { describe, expect, it } from 'vitest';
import { checkPrefix, registerRequestSchema } from './schemas.js';

const valid = {
  service: 'profile',
  instanceId: 'profile#1',
  host: '127.0.5.1',
  port: 4001,
  routes: [{ prefix: '/profile', access: 'protected' }],
};

describe('registration schema', () => {
  it('accepts a valid registration, with or without pid', () => {
    expect(registerRequestSchema.safeParse(valid).success).toBe(true);
    expect(registerRequestSchema.safeParse({ ...valid, pid: 1234, routes: [] }).success).toBe(true);
  });

  it.each([
    ['service with a capital', { service: 'Profile' }],
    ['service starting with a digit', { service: '1profile' }],
    ['service longer than 32', { service: `p${'x'.repeat(32)}` }],
    ['empty instance id', { instanceId: '' }],
    ['instance id longer than 64', { instanceId: 'x'.repeat(65) }],
    ['host with a space', { host: 'profile 1' }],
    ['host with an underscore', { host: 'profile_1' }],
    ['host label starting with a hyphen', { host: '-profile' }],
    ['host with an empty label', { host: 'profile..local' }],
    ['host label over 63 characters', { host: `${'a'.repeat(64)}.local` }],
    ['empty host', { host: '' }],
    ['port 0', { port: 0 }],
    ['port above 65535', { port: 65536 }],
    ['fractional port', { port: 80.5 }],
    ['unknown access', { routes: [{ prefix: '/x', access: 'private' }] }],
    ['the same prefix twice', { routes: [{ prefix: '/x', access: 'public' }, { prefix: '/x', access: 'internal' }] }],
    ['no routes field', { routes: undefined }],
    ['body limit of 0', { routes: [{ prefix: '/x', access: 'public', bodyLimit: 0 }] }],
    ['body limit above 64 MiB', { routes: [{ prefix: '/x', access: 'public', bodyLimit: 64 * 1024 * 1024 + 1 }] }],
    ['fractional body limit', { routes: [{ prefix: '/x', access: 'public', bodyLimit: 1.5 }] }],
    ['body limit as text', { routes: [{ prefix: '/x', access: 'public', bodyLimit: '10' }] }],
  ])('refuses a %s', (_, change) => {
    expect(registerRequestSchema.safeParse({ ...valid, ...change }).success).toBe(false);
  });

  it('accepts a route body limit of 1 byte to 64 MiB', () => {
    for (const bodyLimit of [1, 10 * 1024 * 1024, 64 * 1024 * 1024]) {
      expect(registerRequestSchema.safeParse({ ...valid, routes: [{ prefix: '/x', access: 'protected', bodyLimit }] }).success).toBe(true);
    }
  });

  it.each(['127.0.0.1', '::1', 'fe80::1', 'localhost', 'profile-1', 'profile-1.topolab.svc.cluster.local'])('accepts the host %s (an IP literal, or a host name: RFC 1123 §2.1)', (host) => {
    expect(registerRequestSchema.safeParse({ ...valid, host }).success).toBe(true);
  });
});

describe('checkPrefix', () => {
  it.each(['/', '/auth', '/auth/login', '/v1/mail-box', '/a.b/c'])('accepts %s', (prefix) => {
    expect(checkPrefix(prefix)).toBeUndefined();
  });

  it.each(['', 'auth', '/auth/', '//auth', '/a//b', '/a/./b', '/a/..', '/..', '/a/%2e%2e', '/a b', '/a?b', '/a#b'])('refuses %j', (prefix) => {
    expect(checkPrefix(prefix)).toBeTypeOf('string');
  });
});
