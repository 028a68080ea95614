// Triage shared by every worker: two serve APIs over one Elasticsearch triage index. Concurrent changes through
// both are all kept (optimistic concurrency), and each API shows the same state and trail.
import { afterAll, expect, it } from 'vitest';
import { makeAlert } from '@socle/api/testing';
import { ElasticsearchAlertSink } from '../../packages/runtime/src/distributed/elasticsearch-alert-sink.ts';
import { ElasticsearchAlertStore } from '../../packages/runtime/src/distributed/elasticsearch-alert-store.ts';
import { ElasticsearchTriageStore, openElasticsearchTriage } from '../../packages/runtime/src/distributed/elasticsearch-triage-store.ts';
import { createJsonLogger } from '../../packages/runtime/src/distributed/json-logger.ts';
import { startServeApi, type RunningServeApi } from '../../packages/runtime/src/distributed/serve-api.ts';
import { uniqueName } from '../setup/unique-name.ts';
import { esClient } from './service-fixtures.ts';

const es = esClient();
const apis: RunningServeApi[] = [];
afterAll(async () => {
  for (const api of apis) await api.close();
  await es.close();
});

it('keeps every concurrent triage change made through two workers, and both show the same trail', async () => {
  const prefix = uniqueName('triage-alerts');
  const index = uniqueName('triage');
  const sink = new ElasticsearchAlertSink({ client: es, indexPrefix: prefix, organization: 'acme', attempts: 3 });
  await sink.installTemplate();
  await sink.write([makeAlert({ id: 'alert-1', time: '2026-03-14T10:00:00Z' }), makeAlert({ id: 'alert-2', time: '2026-03-14T10:01:00Z' })]);
  await es.indices.refresh({ index: `${prefix}-*` });
  const logger = createJsonLogger(() => undefined);
  for (let i = 0; i < 2; i++) {
    apis.push(
      await startServeApi({
        api: { listen: '127.0.0.1:0' },
        store: new ElasticsearchAlertStore(es, prefix),
        triage: await openElasticsearchTriage(es, index),
        reload: () => Promise.reject(new Error('no reload here')),
        logger,
      }),
    );
  }
  const [a, b] = apis;
  const post = (api: RunningServeApi, body: unknown) =>
    fetch(`${api.url}/alerts/alert-1/triage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  // 12 changes at once, half through each worker: every one lands, none overwrites another.
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => post(i % 2 ? a : b, { note: `note ${i}`, addTags: [`t${i}`] })));
  expect(answers.map((r) => r.status)).toEqual(new Array(12).fill(200));
  expect((await post(a, { status: 'closed', assignee: 'alice' })).status).toBe(200);

  const fromB = (await (await fetch(`${b.url}/alerts/alert-1`)).json()) as { triage: { status: string; assignee: string; tags: string[]; notes: unknown[] } };
  expect(fromB.triage).toMatchObject({ status: 'closed', assignee: 'alice' });
  expect(fromB.triage.tags.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `t${i}`).sort());
  expect(fromB.triage.notes).toHaveLength(12);
  const historyA = (await (await fetch(`${a.url}/alerts/alert-1/history`)).json()) as { entries: unknown[] };
  expect(historyA.entries).toHaveLength(13);

  // The status filter reads the shared store: worker A sees what was closed through either worker.
  const closed = (await (await fetch(`${a.url}/alerts?status=closed`)).json()) as { alerts: { event: { id: string } }[] };
  expect(closed.alerts.map((x) => x.event.id)).toEqual(['alert-1']);
  const store = new ElasticsearchTriageStore(es, index);
  expect(await store.idsNotOpen()).toEqual(['alert-1']);
  expect((await store.state('alert-2')).status).toBe('open');
});
