/**
 * The scope filters every AlertStore with `scopeFilters: true` must honour, as one set of assertions run against each
 * store (journal in a unit test, Elasticsearch in test/service): the token-authenticated API relies on them.
 */
import { expect } from 'vitest';
import type { Alert } from '@socle/core';
import { makeScopedAlert } from '../testing/scoped-alerts.ts';
import type { AlertStore } from '../ports.ts';

export const SCOPE_ALERTS: Alert[] = [
  makeScopedAlert({ id: 'a1', time: '2026-11-23T10:00:00Z', org: 'org-a', sourceIp: '203.0.113.7', technique: 't1110.001', level: 'high' }),
  makeScopedAlert({ id: 'a2', time: '2026-11-23T10:20:00Z', org: 'org-a', destinationIp: '198.51.100.9', shared: true, rule: 'rule-b' }),
  makeScopedAlert({ id: 'b1', time: '2026-11-23T10:40:00Z', org: 'org-b', sourceIp: '198.51.100.9', technique: 'T1059', shared: true }),
  makeScopedAlert({ id: 'ab', time: '2026-11-23T11:10:00Z', org: ['org-a', 'org-b'], correlationEvents: ['e1', 'e2'], technique: 'T1110' }),
  makeScopedAlert({ id: 'none', time: '2026-11-23T11:30:00Z', sourceIp: '203.0.113.7', shared: true }),
];

async function ids(store: AlertStore, query: Parameters<AlertStore['search']>[0]): Promise<string[]> {
  return (await store.search({ size: 100, ...query })).alerts.map((a) => a.event.id);
}

/** Runs every scope assertion on a store that holds exactly SCOPE_ALERTS. */
export async function assertScopeFilters(store: AlertStore): Promise<void> {
  expect(store.scopeFilters).toBe(true);
  expect(await ids(store, {})).toEqual(['none', 'ab', 'b1', 'a2', 'a1']);

  // organisation: every organisation of the alert in the list; an empty list matches nothing.
  expect(await ids(store, { organization: ['org-a'] })).toEqual(['a2', 'a1']);
  expect(await ids(store, { organization: ['org-a', 'org-b'] })).toEqual(['ab', 'b1', 'a2', 'a1']);
  expect(await ids(store, { organization: ['org-c'] })).toEqual([]);
  expect(await ids(store, { organization: [] })).toEqual([]);
  expect((await store.search({ organization: [] })).total).toBe(0);
  expect(await ids(store, { withOrganization: true })).toEqual(['ab', 'b1', 'a2', 'a1']);

  // sharing flag, as a layer-4 scope asks it.
  expect(await ids(store, { sharedOnly: true })).toEqual(['none', 'b1', 'a2']);
  expect(await ids(store, { sharedOnly: true, withOrganization: true })).toEqual(['b1', 'a2']);
  expect(await ids(store, { sharedOnly: true, organization: ['org-b'] })).toEqual(['b1']);

  // ip (source or destination), technique (and sub-technique, any case).
  expect(await ids(store, { ip: '198.51.100.9' })).toEqual(['b1', 'a2']);
  expect(await ids(store, { ip: '203.0.113.7', organization: ['org-a'] })).toEqual(['a1']);
  expect(await ids(store, { technique: ['T1110.001'] })).toEqual(['a1']);
  expect(await ids(store, { technique: ['t1059', 'T1110'] })).toEqual(['ab', 'b1']);

  // ids and excludeIds.
  expect(await ids(store, { ids: ['a1', 'b1', 'missing'] })).toEqual(['b1', 'a1']);
  expect(await ids(store, { ids: [] })).toEqual([]);
  expect(await ids(store, { excludeIds: ['a1', 'none'] })).toEqual(['ab', 'b1', 'a2']);
  expect(await ids(store, { ids: ['a1', 'a2'], excludeIds: ['a2'], organization: ['org-a'] })).toEqual(['a1']);

  // get is not filtered (the scoped store re-checks what it returns).
  expect((await store.get('ab'))?.event.id).toBe('ab');

  // counts by organisation and severity, within a scope.
  expect(await store.aggregate('organization', { organization: ['org-a', 'org-b'] })).toEqual([
    { key: 'org-a', count: 3 },
    { key: 'org-b', count: 2 },
  ]);
  expect(await store.aggregate('organization', { organization: [] })).toEqual([]);
  expect(await store.aggregate('severity', { organization: ['org-a'] })).toEqual([
    { key: 'high', count: 1 },
    { key: 'medium', count: 1 },
  ]);
  expect(await store.aggregate('rule', { sharedOnly: true, withOrganization: true })).toEqual([
    { key: 'rule-a', count: 1 },
    { key: 'rule-b', count: 1 },
  ]);

  // date histogram: oldest first, fixed buckets on the epoch, empty ones left out, filtered like search.
  const histogram = store.histogram?.bind(store);
  expect(histogram).toBeDefined();
  if (!histogram) return;
  expect(await histogram(30 * 60_000)).toEqual([
    { key: '2026-11-23T10:00:00.000Z', count: 2 },
    { key: '2026-11-23T10:30:00.000Z', count: 1 },
    { key: '2026-11-23T11:00:00.000Z', count: 1 },
    { key: '2026-11-23T11:30:00.000Z', count: 1 },
  ]);
  expect(await histogram(60 * 60_000, { organization: ['org-a'] })).toEqual([{ key: '2026-11-23T10:00:00.000Z', count: 2 }]);
  expect(await histogram(60 * 60_000, { organization: [] })).toEqual([]);
  expect(await histogram(15 * 60_000, { sharedOnly: true, withOrganization: true })).toEqual([
    { key: '2026-11-23T10:15:00.000Z', count: 1 },
    { key: '2026-11-23T10:30:00.000Z', count: 1 },
  ]);
}
