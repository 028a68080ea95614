// The Elasticsearch AlertStore honours the scope filters of the access layer exactly as the journal store does:
// the same assertions (packages/service/src/alerts/scope-filters.test-helper.ts) on the real Elasticsearch.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { assertScopeFilters, SCOPE_ALERTS } from '../../packages/service/src/alerts/scope-filters.test-helper.ts';
import { ElasticsearchAlertSink } from '../../packages/service/src/distributed/elasticsearch-alert-sink.ts';
import { ElasticsearchAlertStore } from '../../packages/service/src/distributed/elasticsearch-alert-store.ts';
import { uniqueName } from '../setup/unique-name.ts';
import { esClient } from './service-fixtures.ts';

const es = esClient();
const prefix = `${uniqueName('scope')}-alerts`;

beforeAll(async () => {
  const sink = new ElasticsearchAlertSink({ client: es, indexPrefix: prefix, organization: 'default', attempts: 2 });
  await sink.installTemplate();
  await sink.write(SCOPE_ALERTS);
  await es.indices.refresh({ index: `${prefix}-*` });
});

afterAll(async () => {
  await es.indices.delete({ index: `${prefix}-*`, allow_no_indices: true, ignore_unavailable: true });
  await es.indices.deleteIndexTemplate({ name: `${prefix}-template` }).catch(() => undefined);
  await es.close();
});

describe('ElasticsearchAlertStore scope filters', () => {
  it('honours organisation, sharing, ip, technique and id filters in search, counts and histogram', async () => {
    await assertScopeFilters(new ElasticsearchAlertStore(es, prefix));
  });
});
