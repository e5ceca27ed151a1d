import { describe, expect, it } from 'vitest';
import { planScale } from './scale.js';

describe('planScale', () => {
  it('starts the lowest free indexes when scaling up', () => {
    expect(planScale([1, 2], 4)).toEqual({ start: [3, 4], stop: [] });
    expect(planScale([1, 3], 3)).toEqual({ start: [2], stop: [] });
    expect(planScale([3], 2)).toEqual({ start: [1], stop: [] });
  });

  it('stops the highest indexes first when scaling down', () => {
    expect(planScale([1, 2, 3], 1)).toEqual({ start: [], stop: [3, 2] });
    expect(planScale([2, 5, 1], 2)).toEqual({ start: [], stop: [5] });
  });

  it('does nothing at the target', () => {
    expect(planScale([1, 2], 2)).toEqual({ start: [], stop: [] });
  });
});
