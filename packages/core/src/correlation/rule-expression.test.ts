import { describe, expect, it } from 'vitest';
import { parseRuleExpression } from './rule-expression.ts';

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
