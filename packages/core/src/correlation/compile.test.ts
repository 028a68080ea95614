import { describe, expect, it } from 'vitest';
import { compileCorrelationRule } from './compile.ts';
import { CorrelationRuleError } from './errors.ts';
import { correlationRule } from './test-helpers.ts';

const base = [
  { id: 'r-failed', name: 'failed_login' },
  { id: 'r-success', name: 'successful_login' },
  { id: 'r-http', name: 'internal_error' },
  { id: 'r-conn', name: 'new_network_connection' },
];
const lookup = (ref: string): { id: string } | undefined => base.find((b) => b.id === ref || b.name === ref);
const compile = (correlation: Record<string, unknown>) =>
  compileCorrelationRule(correlationRule({ id: 'c-1', title: 'Brute force' }, correlation), lookup);
const problem = (correlation: Record<string, unknown>): string => {
  try {
    compile(correlation);
  } catch (e) {
    expect(e).toBeInstanceOf(CorrelationRuleError);
    return (e as Error).message;
  }
  throw new Error('expected a CorrelationRuleError');
};

describe('compileCorrelationRule', () => {
  it('compiles the specification event_count example, resolving rule names to ids', () => {
    const c = compile({ type: 'event_count', rules: ['failed_login'], 'group-by': ['ComputerName'], timespan: '1h', condition: { gte: 100 } });
    expect(c).toMatchObject({ id: 'c-1', type: 'event_count', ruleIds: ['r-failed'], groupBy: ['ComputerName'], timespanMs: 3_600_000, threshold: { gte: 100 }, mode: 'sliding', generate: false });
  });

  it('accepts every timespan unit, with pySigma month and year lengths', () => {
    const ms = (timespan: string) => compile({ type: 'event_count', rules: 'failed_login', timespan, condition: { gte: 1 } }).timespanMs;
    expect([ms('30s'), ms('5m'), ms('2h'), ms('1d'), ms('1w'), ms('1M'), ms('1y')]).toEqual([
      30_000, 300_000, 7_200_000, 86_400_000, 604_800_000, 2_629_746_000, 31_556_952_000,
    ]);
  });

  it('judges upper bounds, equality and non-monotone metrics when the window closes', () => {
    const mode = (type: string, condition: Record<string, unknown>) =>
      compile({ type, rules: ['failed_login'], timespan: '1h', condition: { field: 'x', ...condition } }).mode;
    expect(mode('value_count', { gte: 3 })).toBe('sliding');
    expect(mode('value_sum', { gt: 3 })).toBe('sliding');
    expect(mode('value_max', { gt: 3 })).toBe('sliding');
    expect(mode('value_min', { lt: 3 })).toBe('sliding');
    expect(mode('value_count', { gt: 3, lte: 10 })).toBe('closing');
    expect(mode('value_sum', { neq: 3 })).toBe('closing');
    expect(mode('value_avg', { gt: 3 })).toBe('closing');
    expect(mode('value_median', { gt: 3 })).toBe('closing');
    expect(mode('value_min', { gt: 3 })).toBe('closing');
  });

  it('keeps ranges and the percentile (95 when not given)', () => {
    expect(compile({ type: 'event_count', rules: ['failed_login'], timespan: '1h', condition: { gte: 10, lte: 20 } }).threshold).toEqual({ gte: 10, lte: 20 });
    expect(compile({ type: 'value_percentile', rules: ['failed_login'], timespan: '1h', condition: { field: 'x', lte: 1 } }).percentile).toBe(95);
    expect(compile({ type: 'value_percentile', rules: ['failed_login'], timespan: '1h', condition: { field: 'x', lte: 1, percentile: 50 } }).percentile).toBe(50);
  });

  it('defaults temporal conditions to "all referenced rules"', () => {
    const c = compile({ type: 'temporal', rules: ['failed_login', 'successful_login'], 'group-by': 'User', timespan: '5m' });
    expect(c.threshold).toEqual({ gte: 2 });
    expect(c.groupBy).toEqual(['User']);
  });

  it('maps aliases per referenced rule (specification example)', () => {
    const c = compile({
      type: 'temporal',
      rules: ['internal_error', 'new_network_connection'],
      'group-by': ['internal_ip', 'remote_ip'],
      timespan: '10s',
      aliases: {
        internal_ip: { internal_error: 'destination.ip', new_network_connection: 'source.ip' },
        remote_ip: { internal_error: 'source.ip', new_network_connection: 'destination.ip' },
      },
    });
    expect(c.aliases.get('internal_ip')).toEqual(new Map([['r-http', 'destination.ip'], ['r-conn', 'source.ip']]));
  });

  it('reads "a and not b" as an absence pattern', () => {
    const c = compile({ type: 'temporal_ordered', rules: ['failed_login', 'successful_login'], timespan: '10m', condition: 'failed_login and not successful_login' });
    expect(c.absence).toEqual({ positive: ['r-failed'], negated: ['r-success'] });
  });

  it.each([
    [{ type: 'event_cnt', rules: ['failed_login'], timespan: '1h', condition: { gte: 1 } }, 'correlation.type "event_cnt" is not one of'],
    [{ type: 'event_count', timespan: '1h', condition: { gte: 1 } }, 'correlation.rules must be a non-empty list'],
    [{ type: 'event_count', rules: ['nope'], timespan: '1h', condition: { gte: 1 } }, "no loaded rule has id or name 'nope'"],
    [{ type: 'event_count', rules: ['failed_login'], timespan: '1 hour', condition: { gte: 1 } }, "timespan '1 hour' is not a number followed by"],
    [{ type: 'event_count', rules: ['failed_login'], timespan: '0m', condition: { gte: 1 } }, 'must be greater than zero'],
    [{ type: 'event_count', rules: ['failed_login'], condition: { gte: 1 } }, 'timespan must be a string'],
    [{ type: 'event_count', rules: ['failed_login'], timespan: '1h' }, 'correlation.condition is required for event_count'],
    [{ type: 'event_count', rules: ['failed_login'], timespan: '1h', condition: { greater: 1 } }, 'correlation.condition.greater is not a condition operator'],
    [{ type: 'event_count', rules: ['failed_login'], timespan: '1h', condition: { gte: '10' } }, 'correlation.condition.gte must be a number, got "10"'],
    [{ type: 'value_count', rules: ['failed_login'], timespan: '1h', condition: { gte: 1 } }, 'correlation.condition.field is required for value_count'],
    [{ type: 'event_count', rules: ['failed_login'], timespan: '1h', condition: { gte: 1, field: 'User' } }, 'field is only meaningful for value_* types'],
    [{ type: 'value_percentile', rules: ['failed_login'], timespan: '1h', condition: { field: 'x', lte: 1, percentile: 120 } }, 'percentile must be a number from 0 to 100'],
    [{ type: 'event_count', rules: ['failed_login'], timespan: '1h', condition: { gte: 1 }, window: '1h' }, 'correlation.window is not a correlation attribute'],
    [{ type: 'event_count', rules: ['failed_login'], timespan: '1h', condition: { gte: 1 }, generate: 'yes' }, 'correlation.generate must be true or false'],
    [{ type: 'temporal', rules: ['failed_login'], timespan: '1h', aliases: { ip: { successful_login: 'x' } } }, "correlation.aliases.ip: 'successful_login' is not one of the rules"],
    [{ type: 'temporal', rules: ['failed_login', 'successful_login'], timespan: '1h', condition: 'failed_login and not other' }, "names 'other', which is not in correlation.rules"],
    [{ type: 'temporal', rules: ['failed_login', 'successful_login'], timespan: '1h', condition: 'failed_login' }, "lists 'successful_login', which correlation.condition does not use"],
    [{ type: 'temporal', rules: ['failed_login', 'successful_login'], timespan: '1h', condition: 'failed_login or not successful_login' }, 'negation is supported as'],
    [{ type: 'temporal', rules: ['failed_login', 'successful_login'], timespan: '1h', condition: 'failed_login and (successful_login' }, "missing ')'"],
    [{ type: 'temporal_ordered', rules: ['failed_login', 'successful_login'], timespan: '1h', condition: { gte: 1 } }, 'temporal_ordered must be gte: 2'],
    [{ type: 'temporal', rules: ['failed_login', 'successful_login'], timespan: '1h', condition: { lt: 2 } }, 'supports only gt/gte'],
  ])('rejects %j', (correlation, message) => {
    const text = problem(correlation);
    expect(text).toContain("correlation rule 'Brute force' (c-1)");
    expect(text).toContain(message);
  });
});
