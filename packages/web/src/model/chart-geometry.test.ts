import { describe, expect, it } from 'vitest';
import { bars, niceCeiling, polylinePoints } from './chart-geometry';

describe('chart geometry', () => {
  it('rounds a chart top up to 1, 2 or 5 × 10ⁿ, at least the floor', () => {
    expect(niceCeiling(0, 5)).toBe(5);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(12)).toBe(20);
    expect(niceCeiling(240)).toBe(500);
    expect(niceCeiling(1000)).toBe(1000);
  });

  it('spreads polyline points over the width, 0 at the bottom, clamped to the top', () => {
    expect(polylinePoints([0, 5, 20], 100, 50, 10)).toBe('0,50 50,25 100,0');
    expect(polylinePoints([], 100, 50, 10)).toBe('');
    expect(polylinePoints([3], 100, 50, 10)).toBe('0,35');
  });

  it('draws a bar per value, none for a missing one', () => {
    const result = bars([10, undefined, 5], 30, 20, 10);
    expect(result).toEqual([
      { x: 0, y: 0, width: 9, height: 20, index: 0 },
      { x: 20, y: 10, width: 9, height: 10, index: 2 },
    ]);
  });
});
