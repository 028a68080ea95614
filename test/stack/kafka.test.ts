// Smoke tests of the local Kafka broker through kafkajs, the client Socle's collector and worker use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type EachMessagePayload, type Producer } from 'kafkajs';
import { stackConnection } from '../setup/stack-connection.ts';
import { uniqueName } from '../setup/unique-name.ts';

const kafka = new Kafka({
  clientId: 'socle-stack-smoke',
  brokers: stackConnection().kafkaBrokers,
  // kafkajs logs (and retries) the broker's "coordinator is loading" answers right after a fresh start.
  logLevel: logLevel.NOTHING,
});

interface Received {
  key: string | null;
  value: string | null;
  partition: number;
  offset: string;
  headers: Record<string, string>;
}

function decode(payload: EachMessagePayload): Received {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload.message.headers ?? {})) {
    headers[name] = String(value);
  }
  return {
    key: payload.message.key?.toString() ?? null,
    value: payload.message.value?.toString() ?? null,
    partition: payload.partition,
    offset: payload.message.offset,
    headers,
  };
}

/** Runs a consumer in `groupId` from the committed offset (or the start) until `count` messages arrived. */
async function consume(topic: string, groupId: string, count: number): Promise<Received[]> {
  // kafkajs consumers read committed by default: aborted transactional messages are skipped.
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: Received[] = [];
    await new Promise<void>((resolveAll, reject) => {
      consumer
        .run({
          eachMessage: async (payload) => {
            received.push(decode(payload));
            if (received.length >= count) resolveAll();
          },
        })
        .catch(reject);
    });
    return received;
  } finally {
    // disconnect() commits the offsets of the messages eachMessage handled.
    await consumer.disconnect();
  }
}

let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
});

describe('local Kafka broker', () => {
  it('answers a metadata request with one registered broker', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toHaveLength(1);
    expect(cluster.brokers[0].host).toBe('127.0.0.1');
    expect(cluster.clusterId).not.toBe('');
  });

  it('delivers what an idempotent producer sent, once each, in order, with keys and headers', async () => {
    const topic = uniqueName('events');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });

    const values = Array.from({ length: 20 }, (_, i) => JSON.stringify({ seq: i, host: 'web-1' }));
    const results = await producer.send({
      topic,
      acks: -1,
      messages: values.map((value) => ({ key: 'web-1', value, headers: { source: 'smoke' } })),
    });
    expect(results.every((result) => result.errorCode === 0)).toBe(true);

    const received = await consume(topic, uniqueName('group'), values.length);
    // One key goes to one partition, so its order is kept.
    expect(received.map((message) => message.value)).toEqual(values);
    expect(new Set(received.map((message) => message.partition)).size).toBe(1);
    expect(received.every((message) => message.key === 'web-1' && message.headers.source === 'smoke')).toBe(true);
  });

  it('lets a consumer group commit its offsets so a restarted member resumes after them', async () => {
    const topic = uniqueName('resume');
    const groupId = uniqueName('group');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });

    await producer.send({ topic, messages: ['a', 'b', 'c'].map((value) => ({ value })) });
    const first = await consume(topic, groupId, 3);
    expect(first.map((message) => message.value)).toEqual(['a', 'b', 'c']);

    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed[0].partitions).toEqual([expect.objectContaining({ partition: 0, offset: '3' })]);

    await producer.send({ topic, messages: ['d', 'e'].map((value) => ({ value })) });
    const second = await consume(topic, groupId, 2);
    expect(second.map((message) => message.value)).toEqual(['d', 'e']);
    expect(second[0].offset).toBe('3');
  });

  it('creates a compacted topic that keeps its policy and carries tombstones', async () => {
    const topic = uniqueName('compacted');
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'min.cleanable.dirty.ratio', value: '0.01' },
          ],
        },
      ],
      waitForLeaders: true,
    });

    const described = await admin.describeConfigs({
      resources: [{ type: 2 /* ConfigResourceTypes.TOPIC */, name: topic, configNames: ['cleanup.policy'] }],
      includeSynonyms: false,
    });
    expect(described.resources[0].configEntries).toEqual([
      expect.objectContaining({ configName: 'cleanup.policy', configValue: 'compact' }),
    ]);

    await producer.send({
      topic,
      messages: [
        { key: 'rule-1', value: 'v1' },
        { key: 'rule-2', value: 'v1' },
        { key: 'rule-1', value: 'v2' },
        { key: 'rule-2', value: null },
      ],
    });
    const received = await consume(topic, uniqueName('group'), 4);
    expect(received.map((message) => [message.key, message.value])).toEqual([
      ['rule-1', 'v1'],
      ['rule-2', 'v1'],
      ['rule-1', 'v2'],
      ['rule-2', null],
    ]);
  });

  it('shows a read-committed consumer only the transactions that were committed', async () => {
    const topic = uniqueName('transactions');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const transactional = kafka.producer({
      transactionalId: uniqueName('tx'),
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await transactional.connect();
    try {
      const aborted = await transactional.transaction();
      await aborted.send({ topic, messages: [{ value: 'aborted' }] });
      await aborted.abort();
      const committed = await transactional.transaction();
      await committed.send({ topic, messages: [{ value: 'committed-1' }, { value: 'committed-2' }] });
      await committed.commit();
    } finally {
      await transactional.disconnect();
    }
    await producer.send({ topic, messages: [{ value: 'plain' }] });

    const received = await consume(topic, uniqueName('group'), 3);
    expect(received.map((message) => message.value)).toEqual(['committed-1', 'committed-2', 'plain']);
  });

  it('creates topics on first use (auto topic creation is on)', async () => {
    const topic = uniqueName('auto');
    await producer.send({ topic, messages: [{ value: 'first' }] });
    const topics = await admin.listTopics();
    expect(topics).toContain(topic);
    const received = await consume(topic, uniqueName('group'), 1);
    expect(received.map((message) => message.value)).toEqual(['first']);
  });
});
