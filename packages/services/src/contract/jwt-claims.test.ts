import { describe, expect, it } from 'vitest';
import { readClaimsUnverified } from './jwt-claims.js';

const part = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

// RFC 7519 §7.2: a JWT is three base64url parts; its claims set is a JSON object.
describe('readClaimsUnverified', () => {
  it('answers the payload of a compact JWT, whatever its signature', () => {
    expect(readClaimsUnverified(`${part({ alg: 'EdDSA' })}.${part({ sub: 'u1', exp: 10 })}.${part('not a signature')}`)).toEqual({ sub: 'u1', exp: 10 });
  });

  it.each([
    ['an opaque token', 'tok-alice'],
    ['two parts', `${part({ alg: 'none' })}.${part({ sub: 'u1' })}`],
    ['four parts', `a.${part({ sub: 'u1' })}.c.d`],
    ['a payload that is not JSON', `a.${part('{sub')}.c`],
    ['a payload that is an array', `a.${part([1, 2])}.c`],
    ['a payload that is null', `a.${part('null')}.c`],
    ['a payload that is a string', `a.${part('"u1"')}.c`],
  ])('answers undefined for %s', (_what, token) => {
    expect(readClaimsUnverified(token)).toBeUndefined();
  });
});
