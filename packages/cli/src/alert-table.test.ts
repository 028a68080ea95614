import { describe, expect, it } from 'vitest';
import { makeAlert } from '@socle/api/testing';
import { formatAlertTable, severityBreakdown } from './alert-table.ts';

const scanner = (id: string, time: string, user?: string) =>
  makeAlert({ id, time, rule: 'scanner', level: 'medium', host: 'web-01', user, sourceIp: '203.0.113.66' });

describe('formatAlertTable', () => {
  it('folds repeated detections of a rule for one host and source into a row with a count and time span', () => {
    const lines = formatAlertTable([scanner('a', '2026-03-14T09:06:00Z', 'root'), scanner('b', '2026-03-14T09:07:30Z', 'admin')]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^TIME\s+SEVERITY\s+RULE\s+HOST\s+USER\s+SOURCE IP\s+SUMMARY$/);
    expect(lines[1]).toMatch(/^09:06:00\s+medium\s+Rule scanner\s+web-01\s+\(2 users\)\s+203\.0\.113\.66\s+x2 until 09:07:30$/);
  });

  it('counts the repeats a suppressed alert stands for', () => {
    const folded = scanner('a', '2026-03-14T09:06:00Z');
    folded.socle.suppression = { suppressed: 64, first: '2026-03-14T09:06:00Z', last: '2026-03-14T09:08:31Z', key: { 'source.ip': '203.0.113.66' } };
    expect(formatAlertTable([folded])[1]).toMatch(/x65 until 09:08:31$/);
  });

  it('shows only the suppression key’s fields for an alert that folded repeats (the others may have differed)', () => {
    const folded = scanner('a', '2026-03-14T09:06:00Z', 'root');
    folded.socle.suppression = { suppressed: 3, first: '2026-03-14T09:06:00Z', last: '2026-03-14T09:07:00Z', key: { 'source.ip': '203.0.113.66' } };
    expect(formatAlertTable([folded])[1]).toMatch(/^09:06:00\s+medium\s+Rule scanner\s+203\.0\.113\.66\s+x4 until 09:07:00$/);
  });

  it('lists every alert when folding is off, oldest first', () => {
    const lines = formatAlertTable([scanner('b', '2026-03-14T09:07:30Z'), scanner('a', '2026-03-14T09:06:00Z')], { fold: false });
    expect(lines.slice(1).map((l) => l.slice(0, 8))).toEqual(['09:06:00', '09:07:30']);
  });

  it('leaves informational building blocks out unless asked', () => {
    const info = makeAlert({ id: 'i', time: '2026-03-14T09:00:00Z', level: 'informational' });
    expect(formatAlertTable([info])).toHaveLength(1);
    expect(formatAlertTable([info], { includeInformational: true })).toHaveLength(2);
  });

  it('shows a correlation’s value, window and the group fields that have no column of their own', () => {
    const corr = makeAlert({ id: 'c', time: '2026-03-14T09:52:00Z', rule: 'exfil', level: 'high' });
    corr.socle.correlation = {
      type: 'value_sum',
      group: { 'source.ip': '10.0.2.15', 'destination.ip': '198.51.100.200' },
      window: { start: '2026-03-14T09:41:00Z', end: '2026-03-14T09:52:00Z' },
      value: 600_000_000,
      events: { ids: [], total: 48 },
      rules: ['outbound_transfer'],
    };
    const [, row] = formatAlertTable([corr]);
    expect(row).toMatch(/10\.0\.2\.15\s+value_sum 600,000,000 in 11m \(48 events\), destination\.ip=198\.51\.100\.200$/);
  });

  it('caps the rows and says how many were left out', () => {
    const many = Array.from({ length: 5 }, (_, i) => makeAlert({ id: `x${i}`, time: `2026-03-14T09:0${i}:00Z`, rule: `r${i}` }));
    const lines = formatAlertTable(many, { maxRows: 3 });
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('... 2 more rows');
  });
});

describe('severityBreakdown', () => {
  it('counts from the most to the least severe', () => {
    const alerts = ['low', 'critical', 'low', 'high'].map((level, i) => makeAlert({ id: `s${i}`, time: '2026-03-14T09:00:00Z', level }));
    expect(severityBreakdown(alerts)).toBe('critical 1, high 1, low 2');
  });
});
