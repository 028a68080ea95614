import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it('reads a number and a unit into milliseconds', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('90m')).toBe(5_400_000);
    expect(parseDuration('1w')).toBe(604_800_000);
    expect(parseDuration('1M')).toBe(2_629_746_000);
  });

  it('takes only the units, fractions and bare numbers its caller allows', () => {
    expect(parseDuration('5ms', { units: ['s', 'm'] })).toBeUndefined();
    expect(parseDuration('1.5h')).toBeUndefined();
    expect(parseDuration('1.5h', { fractions: true })).toBe(5_400_000);
    expect(parseDuration('60000')).toBeUndefined();
    expect(parseDuration('60000', { bareMilliseconds: true })).toBe(60_000);
    expect(parseDuration('5 m')).toBeUndefined();
  });
});
