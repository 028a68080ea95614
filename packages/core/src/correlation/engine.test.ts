import { describe, expect, it } from 'vitest';
import type { Alert } from '../alert.ts';
import { CorrelationEngine, type LateMatch } from './engine.ts';
import { CorrelationRuleError } from './errors.ts';
import { Harness, MINUTE, SECOND, at, compileAll, correlationRule, iso } from './test-helpers.ts';

const base = [
  { id: 'ssh-fail', name: 'ssh_failed' },
  { id: 'logon-fail', name: 'failed_login' },
  { id: 'logon-ok', name: 'successful_login' },
  { id: 'remote-logon', name: 'remote_logon' },
  { id: 'web', name: 'website_access' },
  { id: 'proc', name: 'process_creation' },
  { id: 'recon-a', name: 'recon_cmd_a' },
  { id: 'recon-b', name: 'recon_cmd_b' },
  { id: 'recon-c', name: 'recon_cmd_c' },
  { id: 'http-500', name: 'internal_error' },
  { id: 'conn', name: 'new_network_connection' },
  { id: 'backup-start', name: 'backup_started' },
  { id: 'backup-end', name: 'backup_finished' },
];

const corr = (id: string, correlation: Record<string, unknown>, meta: Record<string, unknown> = {}) =>
  correlationRule({ id, title: id, ...meta }, correlation);

const summary = (a: Alert) => ({
  rule: a.rule.id,
  at: a['@timestamp'],
  group: a.socle.correlation!.group,
  window: a.socle.correlation!.window,
  value: a.socle.correlation!.value,
  events: a.socle.correlation!.events,
});

describe('event_count: SSH brute force', () => {
  const rules = () =>
    compileAll([corr('ssh-brute', { type: 'event_count', rules: ['ssh_failed'], 'group-by': ['source.ip'], timespan: '1m', condition: { gte: 5 } }, { level: 'high' })], base);

  it('alerts on the 5th failure from one address within a minute, with group, window and members', () => {
    const h = new Harness(rules());
    for (let i = 0; i < 4; i++) expect(h.match('ssh-fail', at(i * 10 * SECOND), `e${i}`, { source: { ip: '203.0.113.9' } })).toEqual([]);
    h.match('ssh-fail', at(35 * SECOND), 'other', { source: { ip: '198.51.100.1' } });
    const [alert] = h.match('ssh-fail', at(40 * SECOND), 'e4', { 'source.ip': '203.0.113.9' });
    expect(summary(alert!)).toEqual({
      rule: 'ssh-brute',
      at: iso(40 * SECOND),
      group: { 'source.ip': '203.0.113.9' },
      window: { start: iso(0), end: iso(40 * SECOND) },
      value: 5,
      events: { ids: ['e0', 'e1', 'e2', 'e3', 'e4'], total: 5 },
    });
    expect(alert!.event).toMatchObject({ kind: 'alert', severity: 73 });
    expect(alert!.rule.category).toBe('correlation');
    expect(alert!.socle.level).toBe('high');
    expect(h.alerts).toHaveLength(1);
  });

  it('leaves out matches without a group-by value', () => {
    const h = new Harness(rules());
    for (let i = 0; i < 6; i++) h.match('ssh-fail', at(i), `e${i}`, { 'source.port': 22 });
    expect(h.alerts).toEqual([]);
    expect(h.engine.stats().rules['ssh-brute']!.missingGroupBy).toBe(6);
  });

  it('needs new events for the next alert of the same group', () => {
    const h = new Harness(rules());
    for (let i = 0; i < 9; i++) h.match('ssh-fail', at(i * SECOND), `e${i}`, { 'source.ip': '203.0.113.9' });
    expect(h.alerts).toHaveLength(1);
    h.match('ssh-fail', at(9 * SECOND), 'e9', { 'source.ip': '203.0.113.9' });
    expect(h.alerts.map((a) => a.socle.correlation!.events.ids[0])).toEqual(['e0', 'e5']);
  });

  it('counts an event exactly one timespan after the first, not one a millisecond later', () => {
    const two = compileAll([corr('pair', { type: 'event_count', rules: ['ssh_failed'], 'group-by': ['ip'], timespan: '1m', condition: { gte: 2 } })], base);
    const edge = new Harness(two);
    edge.match('ssh-fail', at(0), 'a', { ip: 'x' });
    expect(edge.match('ssh-fail', at(MINUTE), 'b', { ip: 'x' })).toHaveLength(1);
    const beyond = new Harness(two);
    beyond.match('ssh-fail', at(0), 'a', { ip: 'x' });
    expect(beyond.match('ssh-fail', at(MINUTE + 1), 'b', { ip: 'x' })).toEqual([]);
  });

  it('gives the same alert ids when the same stream is replayed', () => {
    const run = () => {
      const h = new Harness(rules());
      for (let i = 0; i < 12; i++) h.match('ssh-fail', at(i * SECOND), `e${i}`, { 'source.ip': `10.0.0.${i % 2}` });
      return h.alerts.map((a) => a.event.id);
    };
    const ids = run();
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(ids[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(run()).toEqual(ids);
  });

  it('alerts on fewer than n events only once the window has closed', () => {
    const quiet = compileAll([corr('quiet', { type: 'event_count', rules: ['ssh_failed'], 'group-by': ['ip'], timespan: '1m', condition: { lt: 3 } })], base);
    const h = new Harness(quiet);
    h.match('ssh-fail', at(0), 'a', { ip: 'x' });
    h.match('ssh-fail', at(30 * SECOND), 'b', { ip: 'x' });
    expect(h.advance(at(MINUTE))).toEqual([]);
    const [alert] = h.advance(at(MINUTE + 1));
    expect(summary(alert!)).toMatchObject({ at: iso(MINUTE), value: 2, window: { start: iso(0), end: iso(MINUTE) } });
  });
});

describe('value_count', () => {
  it('password spraying: many users from one source', () => {
    const rules = compileAll([corr('spray', { type: 'value_count', rules: ['failed_login'], 'group-by': ['IpAddress'], timespan: '10m', condition: { field: 'TargetUserName', gte: 3 } })], base);
    const h = new Harness(rules);
    h.match('logon-fail', at(0), 'e1', { IpAddress: '10.1.1.1', TargetUserName: 'alice' });
    h.match('logon-fail', at(1 * MINUTE), 'e2', { IpAddress: '10.1.1.1', TargetUserName: 'alice' });
    h.match('logon-fail', at(2 * MINUTE), 'e3', { IpAddress: '10.1.1.1', TargetUserName: 'bob' });
    h.match('logon-fail', at(3 * MINUTE), 'x1', { IpAddress: '10.9.9.9', TargetUserName: 'carol' });
    h.match('logon-fail', at(4 * MINUTE), 'e4', { IpAddress: '10.1.1.1' });
    expect(h.alerts).toEqual([]);
    const [alert] = h.match('logon-fail', at(5 * MINUTE), 'e5', { IpAddress: '10.1.1.1', TargetUserName: 'carol' });
    expect(summary(alert!)).toMatchObject({ group: { IpAddress: '10.1.1.1' }, value: 3, events: { ids: ['e1', 'e2', 'e3', 'e4', 'e5'], total: 5 } });
  });

  it('counts distinct values right in windows larger than the small-window shortcut, as events leave', () => {
    const rules = compileAll([corr('spray', { type: 'value_count', rules: ['failed_login'], 'group-by': ['ip'], timespan: '1m', condition: { field: 'user', gte: 3 } })], base);
    const h = new Harness(rules);
    h.match('logon-fail', at(0), 'old', { ip: 'x', user: 'carol' });
    for (let i = 1; i <= 20; i++) h.match('logon-fail', at(30 * SECOND + i), `e${i}`, { ip: 'x', user: i % 2 ? 'alice' : 'bob' });
    expect(h.alerts).toHaveLength(1); // carol, alice, bob at e2
    for (let i = 21; i <= 40; i++) h.match('logon-fail', at(95 * SECOND + i), `e${i}`, { ip: 'x', user: 'alice' });
    h.match('logon-fail', at(96 * SECOND), 'dave', { ip: 'x', user: 'dave' });
    expect(h.alerts).toHaveLength(1); // bob left the window: alice and dave only
    const [alert] = h.match('logon-fail', at(97 * SECOND), 'erin', { ip: 'x', user: 'erin' });
    expect(alert!.socle.correlation).toMatchObject({ value: 3, events: { total: 22 } });
  });

  it('lateral movement: one user logging on to many hosts, old hosts leaving the window', () => {
    const rules = compileAll([corr('lateral', { type: 'value_count', rules: ['remote_logon'], 'group-by': ['user.name'], timespan: '1h', condition: { field: 'host.name', gt: 2 } })], base);
    const h = new Harness(rules);
    h.match('remote-logon', at(0), 'h1', { user: { name: 'svc' }, host: { name: 'ws1' } });
    h.match('remote-logon', at(50 * MINUTE), 'h2', { user: { name: 'svc' }, host: { name: 'ws2' } });
    h.match('remote-logon', at(70 * MINUTE), 'h3', { user: { name: 'svc' }, host: { name: 'ws3' } });
    expect(h.alerts).toEqual([]); // ws1 left the window before ws3 came
    const [alert] = h.match('remote-logon', at(80 * MINUTE), 'h4', { user: { name: 'svc' }, host: { name: 'srv9' } });
    expect(summary(alert!)).toMatchObject({ group: { 'user.name': 'svc' }, value: 3, window: { start: iso(50 * MINUTE), end: iso(80 * MINUTE) } });
  });
});

describe('temporal_ordered and chaining: success after failures', () => {
  const rules = (generate = false) =>
    compileAll(
      [
        corr('brute-then-success', { type: 'temporal_ordered', rules: ['many_failed', 'successful_login'], 'group-by': ['User'], timespan: '10m', ...(generate ? { generate: true } : {}) }, { level: 'critical' }),
        correlationRule({ id: 'many-failed', name: 'many_failed', title: 'Many failed logons' }, { type: 'event_count', rules: ['failed_login'], 'group-by': ['User'], timespan: '10m', condition: { gte: 3 } }),
      ],
      base,
    );

  it('alerts when a success follows the failure burst, and hides the intermediate alert', () => {
    const h = new Harness(rules());
    for (let i = 0; i < 3; i++) h.match('logon-fail', at(i * MINUTE), `f${i}`, { User: 'alice' });
    expect(h.alerts).toEqual([]);
    const [alert] = h.match('logon-ok', at(5 * MINUTE), 's1', { User: 'alice' });
    expect(summary(alert!)).toMatchObject({ rule: 'brute-then-success', group: { User: 'alice' }, value: 2, window: { start: iso(2 * MINUTE), end: iso(5 * MINUTE) } });
    expect(alert!.socle.correlation!.events.ids[1]).toBe('s1');
    expect(alert!.event.severity).toBe(99);
    expect(h.engine.stats().rules['many-failed']!.alerts).toBe(1);
  });

  it('shows the intermediate alert when the chain says generate: true', () => {
    const h = new Harness(rules(true));
    for (let i = 0; i < 3; i++) h.match('logon-fail', at(i * MINUTE), `f${i}`, { User: 'alice' });
    expect(h.alerts.map((a) => a.rule.id)).toEqual(['many-failed']);
  });

  it('does not alert when the success came before the failures', () => {
    const h = new Harness(rules());
    h.match('logon-ok', at(0), 's1', { User: 'alice' });
    for (let i = 1; i <= 3; i++) h.match('logon-fail', at(i * MINUTE), `f${i}`, { User: 'alice' });
    h.flush();
    expect(h.alerts).toEqual([]);
  });

  it('counts equal timestamps as in order, whatever the arrival order', () => {
    const ordered = compileAll([corr('a-then-b', { type: 'temporal_ordered', rules: ['recon_cmd_a', 'recon_cmd_b'], 'group-by': ['host'], timespan: '1m' })], base);
    const first = new Harness(ordered);
    first.match('recon-b', at(5 * SECOND), 'b', { host: 'h' });
    first.match('recon-a', at(5 * SECOND), 'a', { host: 'h' });
    const second = new Harness(ordered);
    second.match('recon-a', at(5 * SECOND), 'a', { host: 'h' });
    second.match('recon-b', at(5 * SECOND), 'b', { host: 'h' });
    expect(first.alerts.map(summary)).toEqual(second.alerts.map(summary));
    expect(first.alerts[0]!.socle.correlation!.events.ids).toEqual(['a', 'b']);
  });

  it('uses one event for one step only when a rule is listed twice', () => {
    const twice = compileAll([corr('a-a-b', { type: 'temporal_ordered', rules: ['recon_cmd_a', 'recon_cmd_a', 'recon_cmd_b'], 'group-by': ['host'], timespan: '1m' })], base);
    const h = new Harness(twice);
    h.match('recon-a', at(0), 'a1', { host: 'h' });
    h.match('recon-b', at(1), 'b1', { host: 'h' });
    expect(h.alerts).toEqual([]);
    h.match('recon-a', at(2), 'a2', { host: 'h' });
    h.match('recon-b', at(3), 'b2', { host: 'h' });
    expect(h.alerts[0]!.socle.correlation!.events.ids).toEqual(['a1', 'a2', 'b2']);
  });

  it('feeds a chained alert to a window that ends at the same instant', () => {
    const rules = compileAll(
      [
        // declared first, so its window end is scheduled before the upstream one
        corr('quiet-after', { type: 'event_count', rules: ['few', 'successful_login'], 'group-by': ['User'], timespan: '1m', condition: { gte: 2, lte: 5 } }),
        correlationRule({ id: 'few', name: 'few' }, { type: 'event_count', rules: ['failed_login'], 'group-by': ['User'], timespan: '30s', condition: { lt: 5 } }),
      ],
      base,
    );
    const h = new Harness(rules);
    h.match('logon-ok', at(0), 's0', { User: 'alice' }); // 'quiet-after' window [0s, 60s]
    h.match('logon-fail', at(30 * SECOND), 'f1', { User: 'alice' }); // 'few' window [30s, 60s] alerts at 60s
    h.flush();
    expect(h.alerts.map((a) => [a.rule.id, a.socle.correlation!.value, a.socle.correlation!.window.end])).toEqual([['quiet-after', 2, iso(MINUTE)]]);
  });

  it('rejects correlation rules that reference each other in a cycle', () => {
    const cyclic = compileAll(
      [
        correlationRule({ id: 'x', name: 'x' }, { type: 'event_count', rules: ['y'], timespan: '1m', condition: { gte: 1 } }),
        correlationRule({ id: 'y', name: 'y' }, { type: 'event_count', rules: ['x'], timespan: '1m', condition: { gte: 1 } }),
      ],
      base,
    );
    expect(() => new CorrelationEngine(cyclic)).toThrow(CorrelationRuleError);
    expect(() => new CorrelationEngine(cyclic)).toThrow(/cycle: x -> y -> x/);
  });
});

describe('temporal', () => {
  it('alerts when all recon commands ran on one host by one user within 5 minutes, in any order', () => {
    const rules = compileAll([corr('recon', { type: 'temporal', rules: ['recon_cmd_a', 'recon_cmd_b', 'recon_cmd_c'], 'group-by': ['ComputerName', 'User'], timespan: '5m' })], base);
    const h = new Harness(rules);
    const who = { ComputerName: 'ws1', User: 'bob' };
    h.match('recon-c', at(0), 'c', who);
    h.match('recon-a', at(MINUTE), 'a', who);
    h.match('recon-b', at(2 * MINUTE), 'b-other-user', { ComputerName: 'ws1', User: 'eve' });
    expect(h.alerts).toEqual([]);
    const [alert] = h.match('recon-b', at(4 * MINUTE), 'b', who);
    expect(summary(alert!)).toMatchObject({ group: who, value: 3, events: { ids: ['c', 'a', 'b'], total: 3 }, window: { start: iso(0), end: iso(4 * MINUTE) } });
  });

  it('joins different fields per rule through aliases (specification example)', () => {
    const rules = compileAll(
      [
        corr('http-then-conn', {
          type: 'temporal',
          rules: ['internal_error', 'new_network_connection'],
          'group-by': ['internal_ip', 'remote_ip'],
          timespan: '10s',
          aliases: {
            internal_ip: { internal_error: 'destination.ip', new_network_connection: 'source.ip' },
            remote_ip: { internal_error: 'source.ip', new_network_connection: 'destination.ip' },
          },
        }),
      ],
      base,
    );
    const h = new Harness(rules);
    h.match('http-500', at(0), 'h', { source: { ip: '198.51.100.7' }, destination: { ip: '10.0.0.5' } });
    const [alert] = h.match('conn', at(3 * SECOND), 'c', { source: { ip: '10.0.0.5' }, destination: { ip: '198.51.100.7' } });
    expect(alert!.socle.correlation!.group).toEqual({ internal_ip: '10.0.0.5', remote_ip: '198.51.100.7' });
  });

  it('evaluates a rule expression with or', () => {
    const rules = compileAll([corr('a-and-b-or-c', { type: 'temporal', rules: ['recon_cmd_a', 'recon_cmd_b', 'recon_cmd_c'], 'group-by': ['h'], timespan: '1m', condition: 'recon_cmd_a and (recon_cmd_b or recon_cmd_c)' })], base);
    const h = new Harness(rules);
    h.match('recon-c', at(0), 'c', { h: 1 });
    expect(h.match('recon-a', at(1), 'a', { h: 1 })).toHaveLength(1);
  });
});

describe('value metrics', () => {
  it('exfiltration: bytes sent by one user to a site add up over the hour', () => {
    const rules = compileAll([corr('exfil', { type: 'value_sum', rules: ['website_access'], 'group-by': ['SourceIP', 'User'], timespan: '1h', condition: { field: 'bytes_sent', gt: 1_000_000 } })], base);
    const h = new Harness(rules);
    const who = { SourceIP: '10.0.0.8', User: 'mallory' };
    h.match('web', at(0), 'w1', { ...who, bytes_sent: 400_000 });
    h.match('web', at(10 * MINUTE), 'w2', { ...who, bytes_sent: '500000' });
    h.match('web', at(20 * MINUTE), 'w3', { ...who, bytes_sent: 'n/a' });
    expect(h.alerts).toEqual([]);
    const [alert] = h.match('web', at(30 * MINUTE), 'w4', { ...who, bytes_sent: 200_000 });
    expect(summary(alert!)).toMatchObject({ group: who, value: 1_100_000, events: { total: 4 } });
  });

  it('value_avg is judged on the whole window when it closes', () => {
    const rules = compileAll([corr('avg', { type: 'value_avg', rules: ['website_access'], 'group-by': ['SourceIP'], timespan: '1h', condition: { field: 'BytesOut', gt: 500 } })], base);
    const h = new Harness(rules);
    h.match('web', at(0), 'a', { SourceIP: 'x', BytesOut: 900 });
    h.match('web', at(30 * MINUTE), 'b', { SourceIP: 'x', BytesOut: 300 });
    h.match('web', at(60 * MINUTE), 'c', { SourceIP: 'x', BytesOut: 400 });
    expect(h.alerts).toEqual([]);
    const [alert] = h.advance(at(60 * MINUTE + 1));
    expect(summary(alert!)).toMatchObject({ value: (900 + 300 + 400) / 3, at: iso(60 * MINUTE), events: { total: 3 } });
  });

  it('value_percentile takes the element at floor(n * p / 100) of the sorted values, like pySigma', () => {
    const make = (p: number, lte: number) =>
      compileAll([corr(`p${p}`, { type: 'value_percentile', rules: ['process_creation'], 'group-by': ['ComputerName'], timespan: '1d', condition: { field: 'score', percentile: p, lte } })], base);
    const run = (p: number, lte: number) => {
      const h = new Harness(make(p, lte));
      [7, 1, 4, 2].forEach((score, i) => h.match('proc', at(i), `e${i}`, { ComputerName: 'pc', score }));
      h.flush();
      return h.alerts.map((a) => a.socle.correlation!.value);
    };
    expect(run(50, 100)).toEqual([4]); // sorted [1,2,4,7], index 2
    expect(run(25, 100)).toEqual([2]);
    expect(run(100, 100)).toEqual([7]);
    expect(run(50, 3)).toEqual([]);
  });

  it('value_median averages the two middle values of an even count', () => {
    const rules = compileAll([corr('median', { type: 'value_median', rules: ['process_creation'], 'group-by': ['h'], timespan: '1h', condition: { field: 'n', gte: 0 } })], base);
    const h = new Harness(rules);
    [10, 1, 3, 20].forEach((n, i) => h.match('proc', at(i), `e${i}`, { h: 'a', n }));
    h.flush();
    expect(h.alerts.map((a) => a.socle.correlation!.value)).toEqual([6.5]);
  });

  it('value_max fires at once, value_min below a floor too', () => {
    const rules = compileAll(
      [
        corr('max', { type: 'value_max', rules: ['website_access'], 'group-by': ['h'], timespan: '1h', condition: { field: 'n', gt: 100 } }),
        corr('min', { type: 'value_min', rules: ['website_access'], 'group-by': ['h'], timespan: '1h', condition: { field: 'n', lt: 0 } }),
      ],
      base,
    );
    const h = new Harness(rules);
    h.match('web', at(0), 'a', { h: 1, n: 5 });
    expect(h.match('web', at(1), 'b', { h: 1, n: 150 }).map((a) => a.rule.id)).toEqual(['max']);
    expect(h.match('web', at(2), 'c', { h: 1, n: -3 }).map((a) => a.rule.id)).toEqual(['min']);
  });
});

describe('absence: "A, then no B within T"', () => {
  const rules = () =>
    compileAll([corr('backup-stuck', { type: 'temporal_ordered', rules: ['backup_started', 'backup_finished'], 'group-by': ['host'], timespan: '30m', condition: 'backup_started and not backup_finished' })], base);

  it('fires once the watermark has passed the window end, never before', () => {
    const h = new Harness(rules());
    h.match('backup-start', at(0), 's1', { host: 'db1' });
    expect(h.advance(at(30 * MINUTE))).toEqual([]); // an event exactly at the end could still cancel it
    const [alert] = h.advance(at(30 * MINUTE + 1));
    expect(summary(alert!)).toMatchObject({ group: { host: 'db1' }, value: 0, at: iso(30 * MINUTE), events: { ids: ['s1'], total: 1 }, window: { start: iso(0), end: iso(30 * MINUTE) } });
  });

  it('is cancelled by B within the window, even exactly at its end', () => {
    const h = new Harness(rules());
    h.match('backup-start', at(0), 's1', { host: 'db1' });
    h.match('backup-start', at(0), 's2', { host: 'db2' });
    h.match('backup-end', at(30 * MINUTE), 'f1', { host: 'db1' });
    h.flush();
    expect(h.alerts.map((a) => a.socle.correlation!.group)).toEqual([{ host: 'db2' }]);
    expect(h.engine.stats().rules['backup-stuck']!.absenceCancelled).toBe(1);
  });

  it('is not cancelled by a B that came before A (ordered), but is in the unordered form', () => {
    const unordered = compileAll([corr('u', { type: 'temporal', rules: ['backup_started', 'backup_finished'], 'group-by': ['host'], timespan: '30m', condition: 'backup_started and not backup_finished' })], base);
    for (const [correlations, expected] of [[rules(), 1], [unordered, 0]] as const) {
      const h = new Harness(correlations);
      h.match('backup-end', at(0), 'f0', { host: 'db1' });
      h.match('backup-start', at(MINUTE), 's1', { host: 'db1' });
      h.flush();
      expect(h.alerts).toHaveLength(expected);
    }
  });

  it('reports a second A inside a pending window with the first', () => {
    const h = new Harness(rules());
    h.match('backup-start', at(0), 's1', { host: 'db1' });
    h.match('backup-start', at(MINUTE), 's2', { host: 'db1' });
    h.flush();
    expect(h.alerts.map((a) => a.socle.correlation!.events)).toEqual([{ ids: ['s1', 's2'], total: 2 }]);
  });
});

describe('event time: lateness, eviction, expiry', () => {
  const rules = () => compileAll([corr('burst', { type: 'event_count', rules: ['ssh_failed'], 'group-by': ['ip'], timespan: '1m', condition: { gte: 3 } })], base);

  it('gives the same alerts for events out of order within the allowed lateness', () => {
    const events = [0, 10, 20, 30, 40, 50].map((s, i) => ({ rule: 'ssh-fail', time: at(s * SECOND), id: `e${i}`, fields: { ip: 'x' } }));
    const inOrder = new Harness(rules(), { allowedLatenessMs: 15 * SECOND });
    inOrder.feed(events);
    inOrder.flush();
    const shuffled = new Harness(rules(), { allowedLatenessMs: 15 * SECOND });
    shuffled.feed([events[1]!, events[0]!, events[3]!, events[2]!, events[5]!, events[4]!]);
    shuffled.flush();
    expect(shuffled.alerts.map(summary)).toEqual(inOrder.alerts.map(summary));
    expect(inOrder.alerts.map((a) => a.event.id)).toEqual(shuffled.alerts.map((a) => a.event.id));
    expect(inOrder.alerts).toHaveLength(2);
  });

  it('orders equal timestamps by event id when lateness is allowed, even one arriving exactly at the watermark', () => {
    const h = new Harness(compileAll([corr('pair', { type: 'event_count', rules: ['ssh_failed'], 'group-by': ['ip'], timespan: '1m', condition: { gte: 2 } })], base), { allowedLatenessMs: 10 * SECOND });
    h.match('ssh-fail', at(0), 'b', { ip: 'x' });
    h.match('ssh-fail', at(10 * SECOND), 'other', { ip: 'y' }); // watermark is now exactly at(0)
    h.match('ssh-fail', at(0), 'a', { ip: 'x' }); // not late: equal to the watermark
    h.flush();
    expect(h.alerts[0]!.socle.correlation!.events.ids).toEqual(['a', 'b']);
  });

  it('holds matches back until the watermark passes them', () => {
    const h = new Harness(rules(), { allowedLatenessMs: 10 * SECOND });
    h.match('ssh-fail', at(0), 'a', { ip: 'x' });
    h.match('ssh-fail', at(1), 'b', { ip: 'x' });
    expect(h.match('ssh-fail', at(2), 'c', { ip: 'x' })).toEqual([]);
    expect(h.engine.stats().bufferedMatches).toBe(3);
    expect(h.advance(at(3))).toHaveLength(1);
  });

  it('drops and reports matches later than the allowed lateness', () => {
    const late: LateMatch[] = [];
    const h = new Harness(rules(), { allowedLatenessMs: 5 * SECOND, onLateMatch: (m) => late.push(m) });
    h.match('ssh-fail', at(60 * SECOND), 'new', { ip: 'x' });
    h.match('ssh-fail', at(50 * SECOND), 'late', { ip: 'x' });
    h.match('ssh-fail', at(56 * SECOND), 'ok', { ip: 'x' });
    expect(late).toEqual([{ ruleId: 'ssh-fail', eventId: 'late', time: at(50 * SECOND), watermark: at(55 * SECOND) }]);
    expect(h.engine.stats().rules.burst!.lateDropped).toBe(1);
    h.match('ssh-fail', at(57 * SECOND), 'ok2', { ip: 'x' });
    h.flush();
    expect(h.alerts[0]!.socle.correlation!.events.ids).toEqual(['ok', 'ok2', 'new']);
  });

  it('evicts the least recently seen key beyond maxKeysPerRule', () => {
    const h = new Harness(rules(), { maxKeysPerRule: 2 });
    h.match('ssh-fail', at(0), 'a1', { ip: 'a' });
    h.match('ssh-fail', at(1), 'b1', { ip: 'b' });
    h.match('ssh-fail', at(2), 'a2', { ip: 'a' });
    h.match('ssh-fail', at(3), 'c1', { ip: 'c' }); // evicts b, seen least recently
    expect(h.engine.stats().rules.burst).toMatchObject({ keys: 2, evicted: 1 });
    h.match('ssh-fail', at(4), 'a3', { ip: 'a' });
    expect(h.alerts).toHaveLength(1);
    h.match('ssh-fail', at(5), 'b2', { ip: 'b' });
    h.match('ssh-fail', at(6), 'b3', { ip: 'b' });
    expect(h.alerts).toHaveLength(1); // b's first event was forgotten
  });

  it('expires groups whose window has passed, and idle groups after idleTimeoutMs', () => {
    const h = new Harness(rules());
    h.match('ssh-fail', at(0), 'a', { ip: 'a' });
    h.match('ssh-fail', at(30 * SECOND), 'b', { ip: 'b' });
    h.advance(at(MINUTE + 1));
    expect(h.engine.stats().rules.burst).toMatchObject({ keys: 1, expired: 1 });
    const idle = new Harness(rules(), { idleTimeoutMs: 10 * SECOND });
    idle.match('ssh-fail', at(0), 'a', { ip: 'a' });
    idle.match('ssh-fail', at(1), 'a2', { ip: 'a' });
    idle.advance(at(11 * SECOND));
    idle.match('ssh-fail', at(12 * SECOND), 'a3', { ip: 'a' });
    expect(idle.alerts).toEqual([]);
    expect(idle.engine.stats().rules.burst).toMatchObject({ keys: 1, expired: 1 });
  });
});

describe('rule references', () => {
  it('tells which referenced rules stay silent and which still generate alerts', () => {
    const rules = compileAll(
      [
        corr('c1', { type: 'event_count', rules: ['ssh_failed'], timespan: '1m', condition: { gte: 2 } }),
        corr('c2', { type: 'temporal', rules: ['failed_login', 'successful_login'], timespan: '1m', generate: true }),
        corr('c3', { type: 'event_count', rules: ['failed_login'], timespan: '1m', condition: { gte: 2 } }),
      ],
      base,
    );
    const engine = new CorrelationEngine(rules);
    expect(engine.referencedRuleIds()).toEqual(new Set(['ssh-fail', 'logon-fail', 'logon-ok']));
    expect(engine.generatedRuleIds()).toEqual(new Set(['logon-fail', 'logon-ok']));
    expect(engine.silencedRuleIds()).toEqual(new Set(['ssh-fail']));
  });
});
