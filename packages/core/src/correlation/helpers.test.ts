import { describe, expect, it } from 'vitest';
import { fnv1a64Hex } from './hash.ts';
import { severityFromLevel } from './severity.ts';
import { median, percentile } from './aggregate.ts';
import { parseRuleExpression } from './rule-expression.ts';

describe('fnv1a64Hex', () => {
  it('matches the published FNV-1a 64 test vectors', () => {
    expect(fnv1a64Hex('')).toBe('cbf29ce484222325');
    expect(fnv1a64Hex('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64Hex('foobar')).toBe('85944171f73967e8');
  });

  it('hashes the UTF-8 bytes of non-ASCII text', () => {
    expect(fnv1a64Hex('é')).not.toBe(fnv1a64Hex('e'));
    expect(fnv1a64Hex('日本')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('severityFromLevel', () => {
  it('maps Sigma levels like Elastic risk scores', () => {
    expect(['informational', 'low', 'medium', 'high', 'critical'].map(severityFromLevel)).toEqual([21, 21, 47, 73, 99]);
    expect(severityFromLevel(undefined)).toBe(47);
    expect(severityFromLevel('HIGH')).toBe(73);
  });
});

describe('aggregates', () => {
  it('percentile is pySigma nearest-rank-by-floor, median is statistics.median', () => {
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([5, 1, 3], 0)).toBe(1);
    expect(percentile([5, 1, 3], 99)).toBe(5);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('parseRuleExpression', () => {
  it('binds not tighter than and, and tighter than or', () => {
    expect(parseRuleExpression('a or b and not c')).toEqual({
      op: 'or',
      args: [{ op: 'rule', name: 'a' }, { op: 'and', args: [{ op: 'rule', name: 'b' }, { op: 'not', arg: { op: 'rule', name: 'c' } }] }],
    });
  });

  it('says where it fails', () => {
    expect(() => parseRuleExpression('a and')).toThrow("expression ends too early in condition 'a and'");
    expect(() => parseRuleExpression('a b')).toThrow("unexpected 'b'");
    expect(() => parseRuleExpression('a & b')).toThrow('unexpected character at offset 1');
  });
});
