import { describe, expect, it } from 'vitest';
import { makeAlert } from '../testing/alert-fixtures.ts';
import { AlertIndex } from './alert-index.ts';

function indexOf(...alerts: ReturnType<typeof makeAlert>[]): AlertIndex {
  const index = new AlertIndex();
  for (const a of alerts) index.put(a);
  return index;
}

const sample = indexOf(
  makeAlert({ id: 'a', time: '2026-11-23T10:00:00Z', rule: 'ssh_brute_force', level: 'high', host: 'web-01', sourceIp: '203.0.113.7' }),
  makeAlert({ id: 'b', time: '2026-11-23T10:10:00Z', rule: 'ssh_login_failure', level: 'informational', host: 'web-01', user: 'root' }),
  makeAlert({ id: 'c', time: '2026-11-23T10:20:00Z', rule: 'ssh_login_failure', level: 'informational', host: 'DB-01', user: 'admin' }),
  makeAlert({ id: 'd', time: '2026-11-23T10:30:00Z', rule: 'lateral', level: 'critical', host: 'dc-01', user: 'svc_backup' }),
);
const ids = (page: { alerts: { event: { id: string } }[] }) => page.alerts.map((a) => a.event.id);

describe('AlertIndex search', () => {
  it('returns everything newest first', () => {
    expect(ids(sample.search({}))).toEqual(['d', 'c', 'b', 'a']);
  });

  it('filters by time range: from inclusive, to exclusive, ISO or epoch ms', () => {
    expect(ids(sample.search({ from: '2026-11-23T10:10:00Z', to: '2026-11-23T10:30:00Z' }))).toEqual(['c', 'b']);
    expect(ids(sample.search({ from: String(Date.parse('2026-11-23T10:20:00Z')) }))).toEqual(['d', 'c']);
  });

  it('filters by severity, rule, host and user (host and user case-insensitive)', () => {
    expect(ids(sample.search({ severity: ['high', 'critical'] }))).toEqual(['d', 'a']);
    expect(ids(sample.search({ rule: ['ssh_login_failure'] }))).toEqual(['c', 'b']);
    expect(ids(sample.search({ host: 'db-01' }))).toEqual(['c']);
    expect(ids(sample.search({ user: 'ROOT' }))).toEqual(['b']);
    expect(ids(sample.search({ rule: ['ssh_login_failure'], host: 'web-01' }))).toEqual(['b']);
  });

  it('finds free text in rule, host, user and source address', () => {
    expect(ids(sample.search({ q: '203.0.113' }))).toEqual(['a']);
    expect(ids(sample.search({ q: 'BACKUP' }))).toEqual(['d']);
    expect(ids(sample.search({ q: 'brute' }))).toEqual(['a']);
  });

  it('pages with a cursor until every alert was seen exactly once', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = sample.search({ size: 3, cursor });
      expect(page.total).toBe(4);
      seen.push(...ids(page));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual(['d', 'c', 'b', 'a']);
  });

  it('orders alerts of the same time by id, so pages are stable', () => {
    const same = indexOf(
      makeAlert({ id: 'y', time: '2026-11-23T10:00:00Z' }),
      makeAlert({ id: 'x', time: '2026-11-23T10:00:00Z' }),
      makeAlert({ id: 'z', time: '2026-11-23T10:00:00Z' }),
    );
    const first = same.search({ size: 2 });
    expect(ids(first)).toEqual(['x', 'y']);
    expect(ids(same.search({ size: 2, cursor: first.nextCursor }))).toEqual(['z']);
  });

  it('rejects a bad time, cursor or size, naming the parameter', () => {
    expect(() => sample.search({ from: 'yesterday' })).toThrow(/^from: 'yesterday' is not a time/);
    expect(() => sample.search({ cursor: 'xyz' })).toThrow(/^cursor:/);
    expect(() => sample.search({ size: 0 })).toThrow(/^size:/);
  });

  it('counts by rule and by severity over a filtered set', () => {
    expect(sample.aggregate('rule')).toEqual([
      { key: 'ssh_login_failure', count: 2 },
      { key: 'lateral', count: 1 },
      { key: 'ssh_brute_force', count: 1 },
    ]);
    expect(sample.aggregate('severity', { host: 'web-01' })).toEqual([
      { key: 'high', count: 1 },
      { key: 'informational', count: 1 },
    ]);
  });

  it('indexes correlation alerts by the host and user of their group', () => {
    const corr = makeAlert({ id: 'k', time: '2026-11-23T11:00:00Z', rule: 'lm' });
    corr.socle.correlation = {
      type: 'value_count',
      group: { 'user.name': 'svc_backup', 'host.name': 'ws-07' },
      window: { start: '2026-11-23T10:50:00Z', end: '2026-11-23T11:00:00Z' },
      value: 4,
      events: { ids: [], total: 4 },
      rules: [],
    };
    const index = indexOf(corr);
    expect(ids(index.search({ user: 'svc_backup', host: 'ws-07' }))).toEqual(['k']);
  });
});
