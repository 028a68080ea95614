// Shared by the distributed-worker integration tests: produce, configure a worker, read alerts back from Elasticsearch.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { stringify } from 'yaml';
import type { ServiceConfig } from '../../packages/runtime/src/distributed/service-config.ts';
import { serviceConfigSchema } from '../../packages/runtime/src/distributed/service-config.ts';
import { stackConnection } from '../setup/stack-connection.ts';
import { RULES, type PlacedEvent } from './service-events.ts';

export * from './service-events.ts';

export function kafkaClient(clientId = 'socle-service-test'): Kafka {
  return new Kafka({ clientId, brokers: stackConnection().kafkaBrokers, logLevel: logLevel.NOTHING });
}

export function esClient(): Client {
  return new Client({ node: stackConnection().elasticsearchUrl });
}

export async function createTopic(admin: Admin, topic: string, partitions: number): Promise<void> {
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
}

/** Produces events in order to their partitions (idempotent producer: offsets are their index per partition). */
export async function produceEvents(kafka: Kafka, topic: string, events: PlacedEvent[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < events.length; i += 2000) {
      const slice = events.slice(i, i + 2000);
      await producer.send({
        topic,
        acks: -1,
        messages: slice.map(({ event, partition }) => ({ partition, key: String((event.user as { name: string }).name), value: JSON.stringify(event) })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** A worker configuration for a test: rules written to `dir`, names unique to the test. */
export function workerConfig(dir: string, names: { topic: string; group: string; prefix: string; state: string; alerts: string; deadLetters?: string }, overrides: { esUrl?: string; checkpointIntervalMs?: number; checkpointEveryEvents?: number } = {}): { config: ServiceConfig; file: string } {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'rules.yml'), RULES);
  const raw = {
    kafka: { brokers: stackConnection().kafkaBrokers, clientId: 'socle-test-worker', group: names.group, topics: { events: [names.topic], alerts: names.alerts, state: names.state, deadLetters: names.deadLetters ?? `${names.topic}-dead-letters` }, sessionTimeoutMs: 6000 },
    elasticsearch: { url: overrides.esUrl ?? stackConnection().elasticsearchUrl, indexPrefix: names.prefix, bulkAttempts: 2, requestTimeoutMs: 3000 },
    rules: [join(dir, 'rules.yml')],
    checkpoint: { intervalMs: overrides.checkpointIntervalMs ?? 1000, everyEvents: overrides.checkpointEveryEvents ?? 5000 },
    metrics: { listen: '127.0.0.1:0' },
  };
  const file = join(dir, 'socle.yaml');
  writeFileSync(file, stringify(raw));
  return { config: serviceConfigSchema.parse(raw), file };
}

/** Every alert id in the alert indices (after a refresh), with how many documents carry it. */
export async function indexedAlertIds(es: Client, prefix: string): Promise<Map<string, number>> {
  await es.indices.refresh({ index: `${prefix}-*`, allow_no_indices: true, ignore_unavailable: true });
  const ids = new Map<string, number>();
  let after: unknown[] | undefined;
  for (;;) {
    const r = await es.search<{ event: { id: string } }>({
      index: `${prefix}-*`,
      allow_no_indices: true,
      ignore_unavailable: true,
      size: 5000,
      _source: ['event.id'],
      sort: [{ 'event.id': 'asc' }, { _index: 'asc' }],
      ...(after ? { search_after: after as (string | number)[] } : {}),
    });
    const hits = r.hits.hits;
    for (const h of hits) {
      const id = h._source?.event.id ?? h._id ?? '';
      ids.set(id, (ids.get(id) ?? 0) + 1);
    }
    if (hits.length < 5000) return ids;
    after = hits[hits.length - 1].sort as unknown[];
  }
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns the last result. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, everyMs = 500): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Missing, unexpected and duplicated ids of what is indexed against what is expected. */
export function compareIds(expected: Iterable<string>, indexed: Map<string, number>): { missing: string[]; unexpected: string[]; duplicated: string[] } {
  const want = new Set(expected);
  return {
    missing: [...want].filter((id) => !indexed.has(id)),
    unexpected: [...indexed.keys()].filter((id) => !want.has(id)),
    duplicated: [...indexed].filter(([, n]) => n > 1).map(([id]) => id),
  };
}
