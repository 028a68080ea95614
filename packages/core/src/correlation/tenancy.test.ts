import { describe, expect, it } from 'vitest';
import type { Alert } from '../alert.ts';
import { CorrelationEngine } from './engine.ts';
import { AlertSuppressor } from './suppression.ts';
import { Harness, MINUTE, SECOND, at, compileAll, correlationRule } from './test-helpers.ts';

const IP = '203.0.113.7';
const base = [{ id: 'fail' }, { id: 'ok' }, { id: 'cancel' }];
const socs = { 'soc-1': ['org-a', 'org-b'], 'soc-2': ['org-c'] };

/** One correlation rule of each kind of state, `socle.scope` as given. */
function rules(scope?: 'soc') {
  const custom = scope ? { socle: { scope } } : {};
  return compileAll(
    [
      correlationRule({ id: 'count', custom }, { type: 'event_count', rules: ['fail'], 'group-by': ['source.ip'], timespan: '10m', condition: { gte: 10 } }),
      correlationRule({ id: 'users', custom }, { type: 'value_count', rules: ['fail'], 'group-by': ['source.ip'], timespan: '10m', condition: { field: 'user.name', gte: 4 } }),
      correlationRule({ id: 'bytes', custom }, { type: 'value_sum', rules: ['fail'], 'group-by': ['source.ip'], timespan: '10m', condition: { field: 'bytes', gte: 1000 } }),
      correlationRule({ id: 'few', custom }, { type: 'event_count', rules: ['fail'], 'group-by': ['source.ip'], timespan: '10m', condition: { lte: 1 } }),
      correlationRule({ id: 'both', custom }, { type: 'temporal', rules: ['fail', 'ok'], 'group-by': ['source.ip'], timespan: '10m' }),
      correlationRule({ id: 'ordered', custom }, { type: 'temporal_ordered', rules: ['fail', 'ok'], 'group-by': ['source.ip'], timespan: '10m' }),
      correlationRule({ id: 'absent', custom }, { type: 'temporal_ordered', rules: ['ok', 'cancel'], 'group-by': ['source.ip'], timespan: '10m', condition: 'ok and not cancel' }),
    ],
    base,
  );
}

const ev = (org: string | undefined, i: number, extra: Record<string, unknown> = {}) => ({
  source: { ip: IP },
  user: { name: `user${i % 4}` },
  bytes: 100,
  ...(org !== undefined ? { organization: { id: org } } : {}),
  ...extra,
});

/**
 * Five failures (two users, 500 bytes) at each organisation, interleaved (four users, 1000 bytes in all), then a
 * success at the second and a cancel at the first.
 */
function halfAtEach(h: Harness, orgA: string | undefined, orgB: string): void {
  for (let i = 0; i < 10; i++) h.match('fail', at(i * SECOND), `f${i}`, ev(i % 2 ? orgB : orgA, i));
  h.match('ok', at(20 * SECOND), 'ok1', ev(orgB, 0));
  h.match('cancel', at(30 * SECOND), 'c1', ev(orgA, 0));
}

const byRule = (alerts: Alert[]) => alerts.map((a) => [a.rule.id, a.organization?.id, a.socle.organizations]);

describe('correlation state is per organisation', () => {
  it('the same address failing five times at each of two organisations crosses no threshold of any kind', () => {
    const h = new Harness(rules());
    halfAtEach(h, 'org-a', 'org-b');
    h.flush();
    // only what one organisation alone satisfies: few failures? no (five each); both/ordered: org-b's own
    // failures and success; absence: org-b's success, org-a's cancel does not count
    expect(byRule(h.alerts).sort()).toEqual([
      ['absent', 'org-b', ['org-b']],
      ['both', 'org-b', ['org-b']],
      ['ordered', 'org-b', ['org-b']],
    ]);
  });

  it('the same stream in one organisation fires every threshold', () => {
    const h = new Harness(rules());
    for (let i = 0; i < 10; i++) h.match('fail', at(i * SECOND), `f${i}`, ev('org-a', i));
    h.match('ok', at(20 * SECOND), 'ok1', ev('org-a', 0));
    h.flush();
    expect(byRule(h.alerts).sort()).toEqual([
      ['absent', 'org-a', ['org-a']],
      ['both', 'org-a', ['org-a']],
      ['bytes', 'org-a', ['org-a']],
      ['count', 'org-a', ['org-a']],
      ['ordered', 'org-a', ['org-a']],
      ['users', 'org-a', ['org-a']], // four users by the fourth failure, and again by the eighth
      ['users', 'org-a', ['org-a']],
    ]);
  });

  it('a closing window judges each organisation on its own events', () => {
    const h = new Harness(rules());
    h.match('fail', at(0), 'a1', ev('org-a', 0));
    h.match('fail', at(SECOND), 'b1', ev('org-b', 0));
    h.match('fail', at(2 * SECOND), 'b2', ev('org-b', 1));
    h.flush();
    const few = h.alerts.filter((a) => a.rule.id === 'few');
    expect(few.map((a) => [a.organization?.id, a.socle.correlation!.events.ids])).toEqual([['org-a', ['a1']]]);
  });

  it('an event without an organisation belongs to the default one, and its alert says so', () => {
    const h = new Harness(rules(), { defaultOrganization: 'acme' });
    for (let i = 0; i < 10; i++) h.match('fail', at(i * SECOND), `f${i}`, ev(i % 2 ? 'acme' : undefined, i));
    const count = h.alerts.find((a) => a.rule.id === 'count')!;
    expect(count.organization).toEqual({ id: 'acme' });
    expect(count.socle.organizations).toEqual(['acme']);
    expect(count.socle.correlation!.group).toEqual({ 'source.ip': IP });
  });

  it('equal group values and windows at two organisations give two alert ids', () => {
    const h = new Harness(rules(), { allowedLatenessMs: MINUTE });
    for (const org of ['org-a', 'org-b']) for (let i = 0; i < 10; i++) h.match('fail', at(i * SECOND), `f${i}`, ev(org, i));
    h.flush();
    const ids = h.alerts.filter((a) => a.rule.id === 'count').map((a) => a.event.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });

  it('chained correlations stay within the organisation of their input', () => {
    const chained = compileAll(
      [
        correlationRule({ id: 'burst' }, { type: 'event_count', rules: ['fail'], 'group-by': ['source.ip'], timespan: '1m', condition: { gte: 2 } }),
        correlationRule({ id: 'bursts' }, { type: 'event_count', rules: ['burst'], 'group-by': ['source.ip'], timespan: '10m', condition: { gte: 2 } }),
      ],
      base,
    );
    const h = new Harness(chained);
    // two bursts, one at each organisation: no "bursts"
    h.match('fail', at(0), 'a1', ev('org-a', 0));
    h.match('fail', at(SECOND), 'a2', ev('org-a', 0));
    h.match('fail', at(2 * SECOND), 'b1', ev('org-b', 0));
    h.match('fail', at(3 * SECOND), 'b2', ev('org-b', 0));
    expect(h.alerts).toEqual([]);
    h.match('fail', at(4 * SECOND), 'a3', ev('org-a', 0));
    h.match('fail', at(5 * SECOND), 'a4', ev('org-a', 0));
    expect(byRule(h.alerts)).toEqual([['bursts', 'org-a', ['org-a']]]);
  });
});

describe('SOC-wide correlations (socle.scope: soc)', () => {
  it('fire once for a SOC, owned by the SOC, listing the member organisations behind the events', () => {
    const h = new Harness(rules('soc'), { socs });
    halfAtEach(h, 'org-a', 'org-b');
    h.flush();
    const fired = byRule(h.alerts).sort();
    // temporal types keep the latest failure (org-b's); org-a's cancel now rules out org-b's success
    expect(fired).toEqual([
      ['both', 'soc-1', ['org-b']],
      ['bytes', 'soc-1', ['org-a', 'org-b']],
      ['count', 'soc-1', ['org-a', 'org-b']],
      ['ordered', 'soc-1', ['org-b']],
      ['users', 'soc-1', ['org-a', 'org-b']],
      ['users', 'soc-1', ['org-a', 'org-b']],
    ]);
    expect(h.alerts.find((a) => a.rule.id === 'count')!.socle.correlation!.events.total).toBe(10);
  });

  it('do not mix SOCs, and an organisation in no SOC keeps its own groups', () => {
    const h = new Harness(rules('soc'), { socs });
    halfAtEach(h, 'org-c', 'org-b'); // org-c is in soc-2
    halfAtEach(h, 'org-z', 'org-y'); // in no SOC
    h.flush();
    const count = h.alerts.filter((a) => ['count', 'users', 'bytes'].includes(a.rule.id));
    expect(count).toEqual([]);
  });

  it('list only the organisations whose events are still in the window', () => {
    const h = new Harness(rules('soc'), { socs });
    h.match('fail', at(0), 'a0', ev('org-a', 0)); // leaves the window before the tenth failure
    for (let i = 1; i <= 10; i++) h.match('fail', at(11 * MINUTE + i * SECOND), `b${i}`, ev('org-b', i));
    const count = h.alerts.find((a) => a.rule.id === 'count')!;
    expect(count.socle.organizations).toEqual(['org-b']);
    expect(count.organization).toEqual({ id: 'soc-1' });
  });

  it('a correlation chained on a SOC-wide one must be SOC-wide too', () => {
    const chained = (scope?: 'soc') =>
      compileAll(
        [
          correlationRule({ id: 'spray', custom: { socle: { scope: 'soc' } } }, { type: 'event_count', rules: ['fail'], 'group-by': ['source.ip'], timespan: '1m', condition: { gte: 2 } }),
          correlationRule({ id: 'sprays', custom: scope ? { socle: { scope } } : {} }, { type: 'event_count', rules: ['spray'], 'group-by': ['source.ip'], timespan: '10m', condition: { gte: 2 } }),
        ],
        base,
      );
    expect(() => new CorrelationEngine(chained(), { socs })).toThrow(/'sprays'.*refers to the SOC-wide correlation 'spray', so it must be SOC-wide too/);
    const h = new Harness(chained('soc'), { socs });
    ['org-a', 'org-b', 'org-b', 'org-a'].forEach((org, i) => h.match('fail', at(i * SECOND), `f${i}`, ev(org, i)));
    expect(byRule(h.alerts)).toEqual([['sprays', 'soc-1', ['org-a', 'org-b']]]);
  });

  it('rejects a bad scope and bad SOC options with what is wrong', () => {
    expect(() => compileAll([correlationRule({ id: 'x', custom: { socle: { scope: 'global' } } }, { type: 'event_count', rules: ['fail'], timespan: '1m', condition: { gte: 2 } })], base)).toThrow(
      "correlation rule '' (x): socle.scope must be 'organization' or 'soc', got \"global\"".replace("''", "'x'"),
    );
    expect(() => new CorrelationEngine([], { socs: { s1: ['a'], s2: ['a'] } })).toThrow("socs: organisation 'a' is a member of both 's1' and 's2'");
  });
});

describe('snapshots', () => {
  it('continue SOC-wide groups with who contributed each event', () => {
    const first = new Harness(rules('soc'), { socs });
    for (let i = 0; i < 9; i++) first.match('fail', at(i * SECOND), `f${i}`, ev(i < 4 ? 'org-a' : 'org-b', i));
    const second = new Harness(rules('soc'), { socs });
    second.engine.restore(JSON.parse(JSON.stringify(first.engine.snapshot())));
    second.match('fail', at(9 * SECOND), 'f9', ev('org-b', 9));
    expect(second.alerts.find((a) => a.rule.id === 'count')!.socle.organizations).toEqual(['org-a', 'org-b']);
  });

  it('a snapshot written before organisations continues as the default organisation', () => {
    const [count] = rules();
    const v1 = {
      format: 'socle.correlation/1',
      watermark: at(8 * SECOND),
      maxSeen: at(8 * SECOND),
      seq: 9,
      buffer: [],
      timers: [],
      rules: [{ id: 'count', counters: {}, groups: [[JSON.stringify([IP]), { t: [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => at(i * SECOND)), id: ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'] }]] }],
    };
    const h = new Harness([count!], { defaultOrganization: 'acme' });
    h.engine.restore(v1);
    h.match('fail', at(9 * SECOND), 'x9', ev('org-b', 9));
    expect(h.alerts).toEqual([]);
    h.match('fail', at(9 * SECOND), 'f9', ev(undefined, 9));
    expect(byRule(h.alerts)).toEqual([['count', 'acme', ['acme']]]);
    expect(h.alerts[0]!.socle.correlation!.events.total).toBe(10);
  });
});

describe('suppression is per organisation', () => {
  const config = { groupBy: ['source.ip'], durationMs: 10 * MINUTE, missingFields: 'suppress' as const };
  const alert = (id: string, offsetMs: number, org?: string): Alert => ({
    '@timestamp': new Date(at(offsetMs)).toISOString(),
    event: { kind: 'alert', id, severity: 47 },
    rule: { id: 'scan', name: 'scan', category: 'detection' },
    ...(org ? { organization: { id: org } } : {}),
    tags: [],
    socle: { level: 'medium', ...(org ? { organizations: [org] } : {}) },
    source: { ip: IP },
  });

  it("an alert at org-a does not fold org-b's alert with the same key", () => {
    const s = new AlertSuppressor({ scan: config });
    expect(s.offer(alert('a1', 0, 'org-a'))).toHaveLength(1);
    expect(s.offer(alert('b1', MINUTE, 'org-b'))).toHaveLength(1);
    expect(s.offer(alert('a2', 2 * MINUTE, 'org-a'))).toEqual([]);
    expect(s.offer(alert('d1', 3 * MINUTE))).toHaveLength(1); // the default organisation's
    expect(s.offer(alert('d2', 3 * MINUTE, 'default'))).toEqual([]);
    const updates = s.flush();
    expect(updates.map((u) => [u.event.id, u.organization?.id, u.socle.suppression!.suppressed])).toEqual([
      ['a1', 'org-a', 1],
      ['d1', undefined, 1],
    ]);
  });

  it('a snapshot written before organisations keeps its windows as the default organisation', () => {
    const kept = alert('k1', 0);
    const v1 = {
      format: 'socle.suppression/1',
      clock: at(0),
      seq: 1,
      counters: { suppressed: 0, updates: 0 },
      windows: [[JSON.stringify(['scan', [IP]]), { alert: kept, key: { 'source.ip': IP }, suppressed: 0, first: at(0), last: at(0), end: at(10 * MINUTE) }]],
      ends: [{ end: at(10 * MINUTE), id: JSON.stringify(['scan', [IP]]), q: 0 }],
    };
    const s = new AlertSuppressor({ scan: config }, { defaultOrganization: 'acme' });
    s.restore(v1);
    expect(s.offer(alert('b1', MINUTE, 'org-b'))).toHaveLength(1);
    expect(s.offer(alert('k2', MINUTE, 'acme'))).toEqual([]);
    const [update] = s.advance(at(10 * MINUTE));
    expect(update!.event.id).toBe('k1');
    expect(update!.organization).toEqual({ id: 'acme' });
    expect(update!.socle.organizations).toEqual(['acme']);
    expect(update!.socle.suppression!.suppressed).toBe(1);
  });
});
