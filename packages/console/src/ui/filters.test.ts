import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyFilters, filtersToSearch, parseFilters, toApiParams, toggle, type Filters } from './filters.ts';
import { formatRemaining, intervalFor, resolveTime } from './time.ts';

const NOW = Date.parse('2026-03-14T10:00:00Z');

describe('time expressions', () => {
  it('reads relative, ISO and spaced UTC times', () => {
    expect(resolveTime('now', NOW)).toBe(NOW);
    expect(new Date(resolveTime('now-15m', NOW)).toISOString()).toBe('2026-03-14T09:45:00.000Z');
    expect(new Date(resolveTime('now-24h', NOW)).toISOString()).toBe('2026-03-13T10:00:00.000Z');
    expect(new Date(resolveTime('now-7d', NOW)).toISOString()).toBe('2026-03-07T10:00:00.000Z');
    expect(new Date(resolveTime('2026-03-14 09:30', NOW)).toISOString()).toBe('2026-03-14T09:30:00.000Z');
    expect(resolveTime('2026-03-14T09:30:00+01:00', NOW)).toBe(Date.parse('2026-03-14T08:30:00Z'));
  });

  it('names the text that is not a time', () => {
    expect(() => resolveTime('yesterday', NOW)).toThrow(/'yesterday' is not a time/);
    expect(() => resolveTime('now-5y', NOW)).toThrow(/not a time/);
  });

  it('says how long is left and sizes histogram buckets', () => {
    expect(formatRemaining('2026-03-14T10:12:00Z', NOW)).toBe('in 12 min');
    expect(formatRemaining('2026-03-17T14:00:00Z', NOW)).toBe('in 3 d 4 h');
    expect(formatRemaining('2026-03-14T09:00:00Z', NOW)).toBe('expired');
    expect(intervalFor(15 * 60_000)).toBe('1m');
    expect(intervalFor(24 * 3_600_000)).toBe('15m');
    expect(intervalFor(7 * 86_400_000)).toBe('3h');
  });
});

describe('filters in the URL', () => {
  it('keeps relative times in the URL and resolves them for the API', () => {
    const f = parseFilters(new URLSearchParams('from=now-15m&severity=high,critical&severity=high&host=web-01&alert=abc'));
    expect(f).toMatchObject({ from: 'now-15m', severity: ['high', 'critical'], host: 'web-01' });
    expect(filtersToSearch(f).toString()).toBe('from=now-15m&host=web-01&severity=high%2Ccritical');
    expect(toApiParams(f, NOW).get('from')).toBe('2026-03-14T09:45:00.000Z');
  });

  it('toggles list values', () => {
    const f = toggle(toggle(emptyFilters(), 'status', 'open'), 'status', 'closed');
    expect(f.status).toEqual(['open', 'closed']);
    expect(toggle(f, 'status', 'open').status).toEqual(['closed']);
  });

  it('reads back what it writes', () => {
    const word = fc.stringMatching(/^[a-z0-9._-]{1,12}$/);
    const filters = fc.record({
      severity: fc.uniqueArray(fc.constantFrom('low', 'medium', 'high', 'critical'), { maxLength: 4 }),
      status: fc.uniqueArray(fc.constantFrom('open', 'acknowledged', 'closed'), { maxLength: 3 }),
      rule: fc.uniqueArray(word, { maxLength: 3 }),
      technique: fc.uniqueArray(fc.constantFrom('T1059', 'T1110.001'), { maxLength: 2 }),
      organization: fc.uniqueArray(word, { maxLength: 3 }),
      host: fc.option(word, { nil: undefined }),
      user: fc.option(word, { nil: undefined }),
      q: fc.option(word, { nil: undefined }),
      from: fc.option(fc.constantFrom('now-15m', 'now-7d', '2026-03-14 09:00'), { nil: undefined }),
    });
    fc.assert(
      fc.property(filters, (f) => {
        const clean = JSON.parse(JSON.stringify(f)) as Filters;
        expect(parseFilters(new URLSearchParams(filtersToSearch(clean).toString()))).toEqual({ ...emptyFilters(), ...clean });
      }),
    );
  });
});
