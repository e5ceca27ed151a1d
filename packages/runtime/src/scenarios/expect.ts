import assert, { AssertionError } from 'node:assert';
import { isDeepStrictEqual } from 'node:util';
import type { Expectation } from './dsl.js';
import { describeValue, projectOnto } from './expect-values.js';

type Matchers = Omit<Expectation<unknown>, 'not'>;
type MatcherName = keyof Matchers;

/** Throws an AssertionError with a message built from expected and actual. */
function fail(message: string, actual: unknown, expected: unknown, operator: string): never {
  throw new AssertionError({ message, actual, expected, operator });
}

function expectNumber(actual: unknown, matcher: string): number {
  if (typeof actual !== 'number' || Number.isNaN(actual)) fail(`Expected a number for ${matcher}, got ${describeValue(actual)}`, actual, 'a number', matcher);
  return actual;
}

function compare(actual: unknown, n: number, matcher: string, words: string, holds: (a: number) => boolean): void {
  const value = expectNumber(actual, matcher);
  if (!holds(value)) fail(`Expected ${describeValue(value)} to be ${words} ${describeValue(n)}`, value, n, matcher);
}

/** The error code of a gateway answer's body (`{ error: { code } }`), if any. */
function errorOf(body: unknown): { code?: string; message?: string } {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null | undefined)?.error;
  return {
    ...(typeof error?.code === 'string' ? { code: error.code } : {}),
    ...(typeof error?.message === 'string' ? { message: error.message } : {}),
  };
}

/** The positive form of every matcher; each throws an AssertionError that shows expected and actual. */
function createMatchers(actual: unknown): Matchers {
  return {
    toBe: (expected) => assert.strictEqual(actual, expected),
    toEqual: (expected) => assert.deepStrictEqual(actual, expected),
    toMatchObject(expected) {
      if (typeof actual !== 'object' || actual === null) fail(`Expected an object to match ${describeValue(expected)}, got ${describeValue(actual)}`, actual, expected, 'toMatchObject');
      assert.deepStrictEqual(projectOnto(actual, expected), expected);
    },
    toContain(item) {
      if (typeof actual === 'string') {
        if (typeof item !== 'string' || !actual.includes(item)) fail(`Expected ${describeValue(actual)} to contain ${describeValue(item)}`, actual, item, 'toContain');
        return;
      }
      if (actual === null || typeof actual !== 'object' || !(Symbol.iterator in actual)) fail(`Expected a string, array or set for toContain, got ${describeValue(actual)}`, actual, item, 'toContain');
      const items = [...(actual as Iterable<unknown>)];
      if (!items.some((candidate) => Object.is(candidate, item) || isDeepStrictEqual(candidate, item))) {
        fail(`Expected ${describeValue(items)} to contain ${describeValue(item)}`, actual, item, 'toContain');
      }
    },
    toMatch(pattern) {
      if (typeof actual !== 'string') fail(`Expected a string to match ${String(pattern)}, got ${describeValue(actual)}`, actual, pattern, 'toMatch');
      assert.match(actual, pattern);
    },
    toBeGreaterThan: (n) => compare(actual, n, 'toBeGreaterThan', 'greater than', (a) => a > n),
    toBeGreaterThanOrEqual: (n) => compare(actual, n, 'toBeGreaterThanOrEqual', 'at least', (a) => a >= n),
    toBeLessThan: (n) => compare(actual, n, 'toBeLessThan', 'less than', (a) => a < n),
    toBeLessThanOrEqual: (n) => compare(actual, n, 'toBeLessThanOrEqual', 'at most', (a) => a <= n),
    toBeDefined() {
      if (actual === undefined) fail('Expected a value, got undefined', actual, 'a value', 'toBeDefined');
    },
    toBeUndefined() {
      if (actual !== undefined) fail(`Expected undefined, got ${describeValue(actual)}`, actual, undefined, 'toBeUndefined');
    },
    toHaveLength(n) {
      const length = (actual as { length?: unknown } | null | undefined)?.length;
      if (typeof length !== 'number') fail(`Expected something with a length, got ${describeValue(actual)}`, actual, n, 'toHaveLength');
      if (length !== n) fail(`Expected length ${n}, got ${length}: ${describeValue(actual)}`, length, n, 'toHaveLength');
    },
    toHaveStatus(status, code) {
      const response = actual as { status?: unknown; body?: unknown } | null | undefined;
      if (typeof response?.status !== 'number') fail(`Expected a gateway response for toHaveStatus, got ${describeValue(actual)}`, actual, status, 'toHaveStatus');
      const got = errorOf(response.body);
      if (response.status === status && (code === undefined || got.code === code)) return;
      const want = `${status}${code === undefined ? '' : ` ${code}`}`;
      const was = `${response.status}${got.code === undefined ? '' : ` ${got.code}`}${got.message === undefined ? '' : ` (“${got.message}”)`}`;
      fail(`Expected status ${want}, got ${was}`, `${response.status}${got.code === undefined ? '' : ` ${got.code}`}`, want, 'toHaveStatus');
    },
  };
}

/** `toBe` → `not to be`, for the messages of negated matchers. */
function describeMatcher(name: MatcherName, args: readonly unknown[]): string {
  const words = name.replace(/^to/, '').replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`).trim();
  return `not to ${words}${args.length === 0 ? '' : ` ${args.map((arg) => describeValue(arg)).join(', ')}`}`;
}

/** Runs a positive matcher and fails when it held. */
function negate(actual: unknown, matchers: Matchers, name: MatcherName): (...args: unknown[]) => void {
  return (...args) => {
    try {
      (matchers[name] as (...values: unknown[]) => void)(...args);
    } catch (error) {
      if (error instanceof AssertionError) return;
      throw error;
    }
    const shown = name === 'toHaveStatus' ? (actual as { status?: unknown }).status : actual;
    fail(`Expected ${describeValue(shown)} ${describeMatcher(name, args)}`, actual, args[0], `not.${name}`);
  };
}

/**
 * `ctx.expect(actual)`: assertions on node:assert. A failed one throws an AssertionError
 * (code ERR_ASSERTION) whose message shows what was expected and what came.
 */
export function createExpectation<T>(actual: T): Expectation<T> {
  const matchers = createMatchers(actual);
  const not = Object.fromEntries((Object.keys(matchers) as MatcherName[]).map((name) => [name, negate(actual, matchers, name)])) as unknown as Omit<Expectation<T>, 'not'>;
  return { ...(matchers as Omit<Expectation<T>, 'not'>), not };
}
