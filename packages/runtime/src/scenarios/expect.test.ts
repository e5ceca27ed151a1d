import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';
import type { GatewayResponse } from '../client/gateway-client.js';
import { createExpectation as check } from './expect.js';

/** The AssertionError `fn` throws (the test fails when it throws none or another error). */
function failureOf(fn: () => void): AssertionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AssertionError);
    expect((error as AssertionError).code).toBe('ERR_ASSERTION');
    return error as AssertionError;
  }
  throw new Error('expected an assertion to fail');
}

const response = (status: number, body: unknown = undefined): GatewayResponse => ({ status, body, headers: {}, traceId: 't', spanId: 's', durationMs: 1 });

describe('ctx.expect', () => {
  it('toBe compares with Object.is and shows both values', () => {
    check(3).toBe(3);
    check(NaN).toBe(NaN);
    const error = failureOf(() => check(3).toBe(4));
    expect(error.message).toContain('3 !== 4');
    failureOf(() => check({ a: 1 }).toBe({ a: 1 }));
  });

  it('toEqual compares deeply and strictly, with a diff', () => {
    check({ a: [1, { b: 2 }] }).toEqual({ a: [1, { b: 2 }] });
    const error = failureOf(() => check({ a: 1, b: 'x' }).toEqual({ a: 1, b: 'y' }));
    expect(error.message).toMatch(/'x'[\s\S]*'y'|'y'[\s\S]*'x'/);
    failureOf(() => check({ a: 1 }).toEqual({ a: '1' }));
  });

  it('toMatchObject matches the named keys only, recursively', () => {
    check({ a: 1, b: { c: 2, d: 3 }, e: [1, { f: 4, g: 5 }] }).toMatchObject({ b: { c: 2 }, e: [1, { f: 4 }] });
    const error = failureOf(() => check({ a: 1, b: { c: 2, d: 3 } }).toMatchObject({ b: { c: 9 } }));
    expect(error.message).toContain('9');
    expect(error.message).not.toContain('d: 3');
    expect(failureOf(() => check({ a: 1 }).toMatchObject({ missing: 1 })).message).toContain('missing');
    expect(failureOf(() => check('text').toMatchObject({ a: 1 })).message).toContain("Expected an object to match { a: 1 }, got 'text'");
  });

  it('toContain finds substrings, items and equal objects', () => {
    check('profile#2 is up').toContain('profile#2');
    check(['profile#1', 'profile#2']).toContain('profile#2');
    check(new Set([1, 2])).toContain(2);
    check([{ id: 1 }]).toContain({ id: 1 });
    expect(failureOf(() => check(['profile#1']).toContain('profile#2')).message).toBe("Expected [ 'profile#1' ] to contain 'profile#2'");
    expect(failureOf(() => check('abc').toContain('z')).message).toBe("Expected 'abc' to contain 'z'");
    expect(failureOf(() => check(42).toContain(4)).message).toContain('Expected a string, array or set');
  });

  it('toMatch tests a string against a pattern', () => {
    check('Hi Ada, your topolab login code is 123456').toMatch(/code is \d{6}/);
    expect(failureOf(() => check('abc').toMatch(/^z/)).message).toContain('/^z/');
    expect(failureOf(() => check(5).toMatch(/5/)).message).toContain('Expected a string');
  });

  it('compares numbers and names both sides', () => {
    check(5).toBeGreaterThan(4);
    check(5).toBeGreaterThanOrEqual(5);
    check(4).toBeLessThan(5);
    check(5).toBeLessThanOrEqual(5);
    expect(failureOf(() => check(3).toBeGreaterThan(5)).message).toBe('Expected 3 to be greater than 5');
    expect(failureOf(() => check(4).toBeGreaterThanOrEqual(5)).message).toBe('Expected 4 to be at least 5');
    expect(failureOf(() => check(6).toBeLessThan(5)).message).toBe('Expected 6 to be less than 5');
    expect(failureOf(() => check(6).toBeLessThanOrEqual(5)).message).toBe('Expected 6 to be at most 5');
    expect(failureOf(() => check('6').toBeLessThan(5)).message).toContain('Expected a number');
  });

  it('toBeDefined, toBeUndefined and toHaveLength', () => {
    check(0).toBeDefined();
    check(undefined).toBeUndefined();
    check([1, 2]).toHaveLength(2);
    check('abc').toHaveLength(3);
    expect(failureOf(() => check(undefined).toBeDefined()).message).toBe('Expected a value, got undefined');
    expect(failureOf(() => check(null).toBeUndefined()).message).toBe('Expected undefined, got null');
    expect(failureOf(() => check([1]).toHaveLength(2)).message).toBe('Expected length 2, got 1: [ 1 ]');
    expect(failureOf(() => check(7).toHaveLength(1)).message).toContain('something with a length');
  });

  it('toHaveStatus checks the status and the error code of a gateway answer', () => {
    const refused = response(401, { error: { code: 'GATEWAY_TOKEN_INVALID', message: 'The token is not valid.' } });
    check(refused).toHaveStatus(401);
    check(refused).toHaveStatus(401, 'GATEWAY_TOKEN_INVALID');
    check(response(200, { ok: true })).toHaveStatus(200);
    expect(failureOf(() => check(refused).toHaveStatus(200)).message).toBe('Expected status 200, got 401 GATEWAY_TOKEN_INVALID (“The token is not valid.”)');
    expect(failureOf(() => check(refused).toHaveStatus(401, 'GATEWAY_UNAUTHENTICATED')).message).toContain('Expected status 401 GATEWAY_UNAUTHENTICATED, got 401 GATEWAY_TOKEN_INVALID');
    expect(failureOf(() => check(response(204)).toHaveStatus(200)).message).toBe('Expected status 200, got 204');
    expect(failureOf(() => check({ nope: 1 }).toHaveStatus(200)).message).toContain('Expected a gateway response');
  });

  it('not inverts every matcher, with a message that says what held', () => {
    check(3).not.toBe(4);
    check({ a: 1 }).not.toEqual({ a: 2 });
    check({ a: 1 }).not.toMatchObject({ a: 2 });
    check(['a']).not.toContain('b');
    check('abc').not.toMatch(/z/);
    check(3).not.toBeGreaterThan(3);
    check(undefined).not.toBeDefined();
    check(1).not.toBeUndefined();
    check([1]).not.toHaveLength(2);
    check(response(200)).not.toHaveStatus(401);
    expect(failureOf(() => check(3).not.toBe(3)).message).toBe('Expected 3 not to be 3');
    expect(failureOf(() => check(['a', 'b']).not.toContain('b')).message).toBe("Expected [ 'a', 'b' ] not to contain 'b'");
    expect(failureOf(() => check(5).not.toBeGreaterThan(4)).message).toBe('Expected 5 not to be greater than 4');
    expect(failureOf(() => check(response(401)).not.toHaveStatus(401)).message).toBe('Expected 401 not to have status 401');
    expect(failureOf(() => check({ a: 1, b: 2 }).not.toMatchObject({ a: 1 })).message).toContain('not to match object { a: 1 }');
  });

  it('lets errors other than assertions through a negated matcher', () => {
    const throwing = { get length(): number { throw new RangeError('boom'); } };
    expect(() => check(throwing).not.toHaveLength(1)).toThrow(RangeError);
  });
});
