// Kafka stopped and started again mid-stream with the disk spool on: every accepted event reaches Kafka.
// The broker is the test's own (stopping the shared one would disturb other tests). kafka.sh start formats
// fresh storage, so the events delivered before the outage are read before it, and the rest after it.
import { silentLogger } from '@socle/core';
import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Collector, validateConfig, type SyslogStreamInput } from '../../packages/collector/src/index.ts';
import { uniqueName } from '../setup/unique-name.ts';
import { createTopics, TopicReader, until } from './kafka-reader.ts';
import { PrivateKafka } from './private-kafka.ts';

const topic = `${uniqueName('outage')}.events`;

describe('Kafka outage with the spool on', () => {
  let kafka: PrivateKafka;
  let spoolDir: string;
  let collector: Collector | undefined;
  const readers: TopicReader[] = [];

  beforeAll(async () => {
    kafka = await PrivateKafka.create();
    await kafka.start();
    spoolDir = await mkdtemp(join(tmpdir(), 'socle-spool-it-'));
  }, 180_000);

  afterAll(async () => {
    await collector?.stop();
    for (const reader of readers) await reader.stop().catch(() => undefined);
    await kafka?.destroy();
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
  }, 120_000);

  it('spools while Kafka is down and replays everything once it is back', { timeout: 300_000 }, async () => {
    collector = new Collector(
      validateConfig(
        {
          inputs: [{ type: 'syslog-tcp', name: 'tcp', organization: 'acme', format: 'syslog', listen: '127.0.0.1:0' }],
          output: { type: 'kafka', brokers: kafka.brokers, topic, deadLetterTopic: `${topic}.dlq`, retries: 1, requestTimeoutMs: 2000 },
          buffer: { capacity: 2000, batchSize: 200, lingerMs: 5 },
          spool: { dir: spoolDir, maxSegmentBytes: 256 * 1024, directTimeoutMs: 3000 },
        },
        'test',
      ),
      { logger: silentLogger },
    );
    await collector.start();
    const port = collector.input<SyslogStreamInput>('tcp').port;
    const send = (from: number, to: number) =>
      new Promise<void>((resolve, reject) => {
        let payload = '';
        for (let seq = from; seq < to; seq++) payload += `<13>Jan  5 10:00:00 host${seq % 9} app: seq=${seq}\n`;
        const socket = connect(port, '127.0.0.1', () => socket.end(payload));
        socket.on('close', () => resolve());
        socket.on('error', reject);
      });
    const delivered = () => collector!.metrics.count(collector!.metrics.eventsOut, 'tcp');
    const seqOf = (value: string) => Number(/seq=(\d+)/.exec(value)![1]);

    await createTopics(kafka.brokers, [topic]);
    const before = new TopicReader(kafka.brokers, [topic]);
    readers.push(before);
    await before.start();
    await send(0, 5000);
    await before.waitFor(5000);

    await kafka.stop();
    await send(5000, 12_000);
    // Accepted means delivered or fsync'd to the spool: all of it, while Kafka is down.
    await until(async () => (await delivered()) >= 12_000);
    expect((await collector.metrics.spoolPendingBytes.get()).values[0]!.value).toBeGreaterThan(0);

    await kafka.start();
    await createTopics(kafka.brokers, [topic]).catch(() => undefined);
    const after = new TopicReader(kafka.brokers, [topic]);
    readers.push(after);
    await after.start();
    const seen = () => new Set([...before.messages, ...after.messages].map((m) => seqOf(m.value)));
    await until(() => seen().size >= 12_000);
    const all = seen();
    for (let seq = 0; seq < 12_000; seq++) if (!all.has(seq)) throw new Error(`event seq=${seq} was lost`);
    await until(async () => (await collector!.metrics.spoolPendingBytes.get()).values[0]!.value === 0);
  });
});
