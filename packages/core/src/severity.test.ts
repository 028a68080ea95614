import { describe, expect, it } from 'vitest';
import { severityFromLevel } from './severity.ts';

describe('severityFromLevel', () => {
  it('maps Sigma levels like Elastic risk scores', () => {
    expect(['informational', 'low', 'medium', 'high', 'critical'].map(severityFromLevel)).toEqual([21, 21, 47, 73, 99]);
    expect(severityFromLevel(undefined)).toBe(47);
    expect(severityFromLevel('HIGH')).toBe(73);
  });
});
