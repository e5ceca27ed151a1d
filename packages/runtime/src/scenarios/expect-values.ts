import { inspect } from 'node:util';

/** A value on one line for an assertion message, cut at `max` characters. */
export function describeValue(value: unknown, max = 160): string {
  const text = inspect(value, { depth: 3, breakLength: Infinity, maxArrayLength: 10, maxStringLength: max, compact: true });
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * The part of `actual` that `expected` names (keys of plain objects, recursively; arrays
 * index by index when their lengths agree), so `deepStrictEqual(projectOnto(actual,
 * expected), expected)` is a partial match whose diff shows only what matters.
 */
export function projectOnto(actual: unknown, expected: unknown): unknown {
  if (isPlainObject(expected) && typeof actual === 'object' && actual !== null && !Array.isArray(actual)) {
    const projection: Record<string, unknown> = {};
    for (const key of Object.keys(expected)) {
      if (key in actual) projection[key] = projectOnto((actual as Record<string, unknown>)[key], expected[key]);
    }
    return projection;
  }
  if (Array.isArray(expected) && Array.isArray(actual) && actual.length === expected.length) {
    return actual.map((item, index) => projectOnto(item, expected[index]));
  }
  return actual;
}
