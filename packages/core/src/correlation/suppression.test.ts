import { describe, expect, it } from 'vitest';
import type { Alert } from '../alert.ts';
import { SuppressionConfigError } from './errors.ts';
import { AlertSuppressor, parseSuppressionConfig } from './suppression.ts';
import { MINUTE, T0, iso } from './test-helpers.ts';

function detectionAlert(ruleId: string, offsetMs: number, id: string, event: Record<string, unknown>): Alert {
  return {
    '@timestamp': iso(offsetMs),
    event: { kind: 'alert', id, severity: 47 },
    rule: { id: ruleId, name: ruleId, category: 'detection' },
    tags: [],
    socle: { level: 'medium' },
    'socle.event': event,
  };
}

const rule = (suppression: unknown) => ({ id: 'r1', title: 'Port scan', custom: { socle: { suppression } }, location: { file: 'scan.yml' } });

describe('parseSuppressionConfig', () => {
  it('reads group-by, duration and missing-fields from the socle section', () => {
    expect(parseSuppressionConfig(rule({ 'group-by': ['source.ip'], duration: '1h', 'missing-fields': 'doNotSuppress' }))).toEqual({
      groupBy: ['source.ip'],
      durationMs: 3_600_000,
      missingFields: 'doNotSuppress',
    });
    expect(parseSuppressionConfig(rule({ 'group-by': 'host.name', duration: '5m' }))!.missingFields).toBe('suppress');
    expect(parseSuppressionConfig({ id: 'r2', title: 'x', custom: {}, location: {} })).toBeUndefined();
  });

  it.each([
    [{ duration: '1h' }, '.group-by must be a field name'],
    [{ 'group-by': ['a'], duration: 'soon' }, ".duration: duration 'soon' is not a number"],
    [{ 'group-by': ['a'], duration: '1h', 'missing-fields': 'drop' }, ".missing-fields must be 'suppress' or 'doNotSuppress'"],
    [{ 'group-by': ['a'], duration: '1h', window: 2 }, '.window is not a suppression setting'],
  ])('rejects %j naming the rule', (section, message) => {
    expect(() => parseSuppressionConfig(rule(section))).toThrow(SuppressionConfigError);
    expect(() => parseSuppressionConfig(rule(section))).toThrow(`rule 'Port scan' (r1) in scan.yml: socle.suppression${message}`);
  });
});

describe('AlertSuppressor', () => {
  const config = { groupBy: ['source.ip'], durationMs: 10 * MINUTE, missingFields: 'suppress' as const };

  it('emits the first alert at once, folds the rest, and updates the kept alert when the window closes', () => {
    const s = new AlertSuppressor({ scan: config });
    const first = s.offer(detectionAlert('scan', 0, 'a1', { source: { ip: '10.0.0.1' } }));
    expect(first).toHaveLength(1);
    expect(first[0]!.socle.suppression).toEqual({ suppressed: 0, first: iso(0), last: iso(0), key: { 'source.ip': '10.0.0.1' } });
    expect(s.offer(detectionAlert('scan', MINUTE, 'a2', { source: { ip: '10.0.0.1' } }))).toEqual([]);
    expect(s.offer(detectionAlert('scan', 2 * MINUTE, 'a3', { 'source.ip': '10.0.0.1' }))).toEqual([]);
    expect(s.offer(detectionAlert('scan', 3 * MINUTE, 'b1', { source: { ip: '10.0.0.2' } }))).toHaveLength(1);
    expect(s.advance(T0 + 10 * MINUTE - 1)).toEqual([]);
    const [update] = s.advance(T0 + 10 * MINUTE);
    expect(update!.event.id).toBe('a1');
    expect(update!.socle.suppression).toEqual({ suppressed: 2, first: iso(0), last: iso(2 * MINUTE), key: { 'source.ip': '10.0.0.1' } });
    expect(s.flush()).toEqual([]); // nothing was folded into 10.0.0.2's alert
    expect(s.stats()).toEqual({ openWindows: 0, suppressed: 2, updates: 1 });
  });

  it('starts a new window after the duration, closing the old one on the way', () => {
    const s = new AlertSuppressor({ scan: config });
    s.offer(detectionAlert('scan', 0, 'a1', { 'source.ip': 'x' }));
    s.offer(detectionAlert('scan', MINUTE, 'a2', { 'source.ip': 'x' }));
    const out = s.offer(detectionAlert('scan', 10 * MINUTE, 'a3', { 'source.ip': 'x' }));
    expect(out.map((a) => [a.event.id, a.socle.suppression!.suppressed])).toEqual([
      ['a1', 1],
      ['a3', 0],
    ]);
  });

  it('lets every alert missing a field through with doNotSuppress, folds them with suppress', () => {
    const passing = new AlertSuppressor({ scan: { ...config, missingFields: 'doNotSuppress' } });
    const folding = new AlertSuppressor({ scan: config });
    for (const s of [passing, folding]) {
      s.offer(detectionAlert('scan', 0, 'n1', {}));
      s.offer(detectionAlert('scan', 1, 'n2', {}));
    }
    expect(passing.stats().suppressed).toBe(0);
    expect(folding.stats().suppressed).toBe(1);
  });

  it('passes alerts of rules without suppression unchanged, and keys on correlation group values', () => {
    const s = new AlertSuppressor({ corr: { groupBy: ['user'], durationMs: MINUTE, missingFields: 'suppress' } });
    const other = detectionAlert('other', 0, 'o1', {});
    expect(s.offer(other)).toEqual([other]);
    const corrAlert = (id: string, user: string): Alert => ({
      ...detectionAlert('corr', 0, id, {}),
      socle: { level: 'high', correlation: { type: 'event_count', group: { user }, window: { start: iso(0), end: iso(0) }, value: 5, events: { ids: [], total: 5 }, rules: [] } },
    });
    expect(s.offer(corrAlert('c1', 'alice'))).toHaveLength(1);
    expect(s.offer(corrAlert('c2', 'alice'))).toEqual([]);
    expect(s.offer(corrAlert('c3', 'bob'))).toHaveLength(1);
  });

  it('continues identically after snapshot -> JSON -> restore', () => {
    const alerts = [0, 1, 2, 12, 13].map((m, i) => detectionAlert('scan', m * MINUTE, `a${i}`, { 'source.ip': i % 2 ? 'x' : 'y' }));
    const whole = new AlertSuppressor({ scan: config });
    const expected = [...alerts.flatMap((a) => whole.offer(a)), ...whole.flush()];
    const first = new AlertSuppressor({ scan: config });
    const got = alerts.slice(0, 3).flatMap((a) => first.offer(a));
    const second = new AlertSuppressor({ scan: config });
    second.restore(JSON.parse(JSON.stringify(first.snapshot())));
    got.push(...alerts.slice(3).flatMap((a) => second.offer(a)), ...second.flush());
    expect(got).toEqual(expected);
  });
});
