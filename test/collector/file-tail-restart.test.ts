// A file tailed into Kafka while the collector is killed (SIGKILL) mid-stream and started again:
// nothing lost, and duplicates within the documented bound (one unacknowledged read batch per file).
import { appendFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stackConnection } from '../setup/stack-connection.ts';
import { uniqueName } from '../setup/unique-name.ts';
import { startChildCollector, type ChildCollector } from './child-collector.ts';
import { createTopics, TopicReader, until } from './kafka-reader.ts';

const brokers = stackConnection().kafkaBrokers;
const topic = `${uniqueName('filetail')}.events`;
const READ_CHUNK_BYTES = 64 * 1024;

describe('file tail across a hard restart', () => {
  let dir: string | undefined;
  let child: ChildCollector | undefined;
  let reader: TopicReader | undefined;
  afterAll(async () => {
    child?.process.kill('SIGKILL');
    await reader?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loses no line and re-sends at most one read batch', { timeout: 180_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'socle-filetail-'));
    await mkdir(join(dir, 'logs'));
    const log = join(dir, 'logs', 'app.log');
    await createTopics(brokers, [topic]);
    const config = {
      inputs: [{ type: 'file', name: 'files', organization: 'acme', format: 'json', paths: [join(dir, 'logs', '*.log')], stateFile: join(dir, 'state.json'), pollIntervalMs: 50, readChunkBytes: READ_CHUNK_BYTES }],
      output: { type: 'kafka', brokers, topic, deadLetterTopic: `${topic}.dlq` },
      buffer: { capacity: 5000, batchSize: 500, lingerMs: 5 },
    };
    const line = (seq: number) => JSON.stringify({ seq, message: `line ${seq} ${'p'.repeat(40)}`, host: { name: 'h1' } }) + '\n';
    const minLineBytes = Buffer.byteLength(line(0));
    const total = 40_000;
    const appendRange = async (from: number, to: number) => {
      let text = '';
      for (let seq = from; seq < to; seq++) text += line(seq);
      await appendFile(log, text);
    };
    await appendRange(0, 20_000);

    reader = new TopicReader(brokers, [topic]);
    await reader.start();
    child = await startChildCollector(config, join(dir, 'collector.yaml'));
    await appendRange(20_000, 25_000);
    await until(() => reader!.messages.length >= 8_000);
    child.process.kill('SIGKILL');
    await child.exited;

    await appendRange(25_000, total);
    child = await startChildCollector(config, join(dir, 'collector.yaml'));
    const seqs = () => new Set(reader!.messages.map((m) => (JSON.parse(m.value) as { seq: number }).seq));
    await until(() => seqs().size >= total);
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);

    const seen = seqs();
    for (let seq = 0; seq < total; seq++) if (!seen.has(seq)) throw new Error(`line ${seq} was lost`);
    const duplicates = reader.messages.length - seen.size;
    expect(duplicates).toBeLessThanOrEqual(Math.ceil(READ_CHUNK_BYTES / minLineBytes));
  });
});
