import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert } from '@socle/core';
import { makeAlert } from '@socle/api/testing';
import { alertIndexName, alertIndexTemplate, alertIndicesFor, dayOfIndex, fromDocument, toDocument } from './alert-documents.ts';
import { expiredIndices } from './alert-retention.ts';

const detectionAlert = (): Alert => makeAlert({ id: 'a-1', time: '2026-03-14T10:00:00Z', host: 'WEB-1', user: 'Bob', sourceIp: '10.0.0.1', level: 'High' });
const correlationAlert = (): Alert => ({
  ...makeAlert({ id: 'c-1', time: '2026-03-14T10:05:00Z', rule: 'brute-force', level: 'high' }),
  socle: {
    level: 'high',
    correlation: { type: 'event_count', group: { 'user.name': 'Alice' }, window: { start: '2026-03-14T10:04:00Z', end: '2026-03-14T10:05:00Z' }, value: 5, events: { ids: ['e1'], total: 5 }, rules: ['failed'] },
  },
});

describe('alert documents in Elasticsearch', () => {
  it('puts an alert in the daily index of its organisation (UTC day of @timestamp)', () => {
    const alert = { ...detectionAlert(), '@timestamp': '2026-03-14T23:59:59.999Z', organization: { id: 'ACME Corp' } };
    expect(alertIndexName('socle-alerts', alert, 'default')).toBe('socle-alerts-acme_corp-2026.03.14');
    const { organization: _o, ...anonymous } = alert;
    expect(alertIndexName('socle-alerts', { ...anonymous, '@timestamp': '2026-03-15T00:00:00Z' }, 'default')).toBe('socle-alerts-default-2026.03.15');
  });

  it('adds lower-cased lookup fields and strips them when read back', () => {
    const alert = correlationAlert();
    const doc = toDocument(alert);
    expect(doc.socle.lookup).toMatchObject({ level: 'high', user: 'alice' });
    expect(toDocument(detectionAlert()).socle.lookup).toMatchObject({ level: 'high', host: 'web-1', user: 'bob' });
    expect(doc.socle.lookup.text).toContain(alert.rule.id.toLowerCase());
    expect(fromDocument(JSON.parse(JSON.stringify(doc)))).toEqual(JSON.parse(JSON.stringify(alert)));
  });

  it('maps ids as keywords, @timestamp as a date and addresses as ip, without scripts or unsupported types', () => {
    const { body } = alertIndexTemplate('socle-alerts');
    const text = JSON.stringify(body);
    const props = (body.template as { mappings: { properties: Record<string, { properties?: Record<string, { type: string }> ; type?: string }> } }).mappings.properties;
    expect(props['@timestamp'].type).toBe('date');
    expect(props.event.properties?.id.type).toBe('keyword');
    expect(props.source.properties?.ip.type).toBe('ip');
    expect(props.destination.properties?.ip.type).toBe('ip');
    expect(text).not.toMatch(/match_only_text|wildcard|constant_keyword|script/);
    expect(body.index_patterns).toEqual(['socle-alerts-*']);
  });

  it('finds the day of an alert index and which ones are past retention', () => {
    expect(dayOfIndex('socle-alerts', 'socle-alerts-acme-2026.03.14')).toBe(Date.UTC(2026, 2, 14));
    expect(dayOfIndex('socle-alerts', 'other-acme-2026.03.14')).toBeUndefined();
    expect(dayOfIndex('socle-alerts', 'socle-alerts-acme')).toBeUndefined();
    const now = Date.parse('2026-03-31T12:00:00Z');
    const names = ['socle-alerts-acme-2026.03.01', 'socle-alerts-acme-2026.03.24', 'socle-alerts-b-2026.03.23', 'socle-alerts-acme-2026.03.31', 'socle-alerts-template-x'];
    expect(expiredIndices(names, 'socle-alerts', 7, now)).toEqual(['socle-alerts-acme-2026.03.01', 'socle-alerts-b-2026.03.23']);
  });
});

describe('the alert indices a time range reads', () => {
  const matches = (expression: string, index: string) =>
    expression.split(',').some((p) => new RegExp(`^${p.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(index));

  it('names one pattern per UTC day of the range, the end excluded', () => {
    const t = (iso: string) => Date.parse(iso);
    expect(alertIndicesFor('socle-alerts', t('2026-11-22T10:00:00Z'), t('2026-11-23T10:00:00Z'))).toBe('socle-alerts-*-2026.11.22,socle-alerts-*-2026.11.23');
    expect(alertIndicesFor('socle-alerts', t('2026-11-22T00:00:00Z'), t('2026-11-23T00:00:00Z'))).toBe('socle-alerts-*-2026.11.22');
    // An empty range still names a day: the query's own time filter then matches nothing.
    expect(alertIndicesFor('socle-alerts', t('2026-11-23T10:00:00Z'), t('2026-11-23T09:00:00Z'))).toBe('socle-alerts-*-2026.11.23');
  });

  it('reads every alert index when the range is open or longer than 45 days', () => {
    expect(alertIndicesFor('socle-alerts', undefined, Date.parse('2026-11-23T00:00:00Z'))).toBe('socle-alerts-*');
    expect(alertIndicesFor('socle-alerts', Date.parse('2026-11-23T00:00:00Z'), undefined)).toBe('socle-alerts-*');
    expect(alertIndicesFor('socle-alerts', Date.parse('2026-10-01T00:00:00Z'), Date.parse('2026-11-23T00:00:00Z'))).toBe('socle-alerts-*');
  });

  it('always covers the index of any alert of any organisation inside the range, and no index of a day outside it (property)', () => {
    const day = 86_400_000;
    const start = Date.parse('2020-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 * day }), fc.integer({ min: 1, max: 60 * day }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.constantFrom('acme', 'org-b', 'default'), (offset, length, at, org) => {
        const from = start + offset;
        const to = from + length;
        const inside = new Date(from + Math.floor(at * length)).toISOString();
        const expression = alertIndicesFor('p', from, to);
        const alert = { ...detectionAlert(), '@timestamp': inside, organization: { id: org } };
        expect(matches(expression, alertIndexName('p', alert, 'default'))).toBe(true);
        const outside = { ...alert, '@timestamp': new Date(to + day).toISOString() };
        if (expression !== 'p-*') expect(matches(expression, alertIndexName('p', outside, 'default'))).toBe(false);
      }),
    );
  });
});
