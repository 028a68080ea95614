// 100k malformed lines: no crash, and exactly one dead-letter record each in the DLQ topic.
import { silentLogger } from '@socle/core';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { Collector, validateConfig } from '../../packages/collector/src/index.ts';
import { stackConnection } from '../setup/stack-connection.ts';
import { uniqueName } from '../setup/unique-name.ts';
import { createTopics, TopicReader } from './kafka-reader.ts';

const brokers = stackConnection().kafkaBrokers;
const prefix = uniqueName('malformed');
const eventsTopic = `${prefix}.events`;
const dlqTopic = `${prefix}.dlq`;

describe('malformed input', () => {
  let reader: TopicReader | undefined;
  afterAll(async () => {
    await reader?.stop();
  });

  it('sends 100k malformed lines to the dead-letter topic, each exactly once, and keeps running', { timeout: 180_000 }, async () => {
    await createTopics(brokers, [eventsTopic, dlqTopic]);
    const stdin = new PassThrough();
    const collector = new Collector(
      validateConfig(
        {
          inputs: [{ type: 'stdin', name: 'stdin', organization: 'acme', format: 'syslog' }],
          output: { type: 'kafka', brokers, topic: eventsTopic, deadLetterTopic: dlqTopic },
          buffer: { capacity: 20_000, batchSize: 2000, lingerMs: 5 },
        },
        'test',
      ),
      { stdin, logger: silentLogger },
    );
    await collector.start();
    const total = 100_000;
    // Mixed kinds of garbage: no PRI, bad PRI, binary, empty-ish JSON, a very long line.
    const garbage = (i: number): string => {
      switch (i % 5) {
        case 0: return `no priority here ${i}`;
        case 1: return `<999>bad priority ${i}`;
        case 2: return `\u0000\u0001\u00ff binary ${i}`;
        case 3: return `{"json": ${i}}`;
        default: return `<${'9'.repeat(20)}> ${'x'.repeat(3000)} ${i}`;
      }
    };
    for (let start = 0; start < total; start += 5000) {
      let chunk = '';
      for (let i = start; i < start + 5000; i++) chunk += garbage(i) + '\n';
      if (!stdin.write(chunk)) await new Promise((resolve) => stdin.once('drain', resolve));
    }
    stdin.end();
    await collector.ended;
    await collector.stop();
    expect(await collector.metrics.count(collector.metrics.deadLetters, 'stdin')).toBe(total);
    expect(await collector.metrics.count(collector.metrics.eventsOut, 'stdin')).toBe(0);

    reader = new TopicReader(brokers, [dlqTopic, eventsTopic]);
    await reader.start();
    const messages = await reader.waitFor(total);
    // Let any extra (duplicate) message arrive before counting exactly.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(reader.messages.filter((m) => m.topic === eventsTopic)).toHaveLength(0);
    const dead = messages.filter((m) => m.topic === dlqTopic);
    expect(dead).toHaveLength(total);
    const originals = new Set(dead.map((m) => (JSON.parse(m.value) as { event: { original: string } }).event.original));
    expect(originals.size).toBe(total);
  });
});
