// The Elasticsearch AlertStore honours the scope filters of the access layer exactly as the journal store does:
// the same assertions (packages/api/src/alerts/scope-filters.test-helper.ts) on the real Elasticsearch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeScopedAlert } from '../../packages/api/src/testing/scoped-alerts.ts';
import { assertScopeFilters, SCOPE_ALERTS } from '../../packages/api/src/alerts/scope-filters.test-helper.ts';
import { ElasticsearchAlertSink } from '../../packages/runtime/src/distributed/elasticsearch-alert-sink.ts';
import { ElasticsearchAlertStore } from '../../packages/runtime/src/distributed/elasticsearch-alert-store.ts';
import { uniqueName } from '../setup/unique-name.ts';
import { esClient } from './service-fixtures.ts';

const es = esClient();
const prefix = `${uniqueName('scope')}-alerts`;
const daysPrefix = `${uniqueName('days')}-alerts`;

// Alerts on four UTC days, on and around midnight, of one, two or no organisation (the last two go to the
// default organisation's index).
const DAY_TIMES = ['2026-11-20T12:00:00Z', '2026-11-20T23:59:59.999Z', '2026-11-21T00:00:00Z', '2026-11-21T13:00:00Z', '2026-11-22T23:59:59.999Z', '2026-11-23T00:00:00.001Z'];
const ORGS: (string | string[] | undefined)[] = ['org-a', ['org-a', 'org-b'], undefined, 'org-b'];
const DAY_ALERTS = DAY_TIMES.flatMap((time, i) => ORGS.map((org, j) => makeScopedAlert({ id: `d${i}-${j}`, time, org })));

beforeAll(async () => {
  for (const [p, alerts] of [[prefix, SCOPE_ALERTS], [daysPrefix, DAY_ALERTS]] as const) {
    const sink = new ElasticsearchAlertSink({ client: es, indexPrefix: p, organization: 'default', attempts: 2 });
    await sink.installTemplate();
    await sink.write(alerts);
    await es.indices.refresh({ index: `${p}-*` });
  }
});

afterAll(async () => {
  for (const p of [prefix, daysPrefix]) {
    await es.indices.delete({ index: `${p}-*`, allow_no_indices: true, ignore_unavailable: true });
    await es.indices.deleteIndexTemplate({ name: `${p}-template` }).catch(() => undefined);
  }
  await es.close();
});

describe('ElasticsearchAlertStore scope filters', () => {
  it('honours organisation, sharing, ip, technique and id filters in search, counts and histogram', async () => {
    await assertScopeFilters(new ElasticsearchAlertStore(es, prefix));
  });
});

describe('ElasticsearchAlertStore time ranges', () => {
  it('finds every alert of the range and no other, whichever daily indices hold them', async () => {
    const store = new ElasticsearchAlertStore(es, daysPrefix);
    const bounds = ['2026-11-20T00:00:00Z', '2026-11-20T23:59:59.999Z', '2026-11-21T00:00:00Z', '2026-11-21T00:00:00.001Z', '2026-11-22T12:00:00Z', '2026-11-23T00:00:00.001Z', '2026-11-23T00:00:00.002Z'];
    for (const from of bounds) {
      for (const to of bounds) {
        for (const organization of [undefined, ['org-a'], ['org-a', 'org-b']]) {
          const expected = DAY_ALERTS.filter((a) => {
            const t = Date.parse(a['@timestamp']);
            const orgs = [(a.organization as { id?: string | string[] } | undefined)?.id ?? []].flat();
            const inScope = organization === undefined || (orgs.length > 0 && orgs.every((o) => organization.includes(o)));
            return t >= Date.parse(from) && t < Date.parse(to) && inScope;
          })
            .sort((a, b) => Date.parse(b['@timestamp']) - Date.parse(a['@timestamp']) || a.event.id.localeCompare(b.event.id))
            .map((a) => a.event.id);
          const page = await store.search({ from, to, organization, size: 100 });
          expect({ from, to, organization, ids: page.alerts.map((a) => a.event.id) }).toEqual({ from, to, organization, ids: expected });
          expect(page.total).toBe(expected.length);
        }
      }
    }
  }, 120_000);
});
