import { describe, expect, it } from 'vitest';
import { median, percentile } from './aggregate.ts';

describe('aggregates', () => {
  it('percentile is pySigma nearest-rank-by-floor, median is statistics.median', () => {
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([5, 1, 3], 0)).toBe(1);
    expect(percentile([5, 1, 3], 99)).toBe(5);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
