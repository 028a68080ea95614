import { readFile } from 'node:fs/promises';
import { Kafka, logLevel, type Admin, type IHeaders, type Message, type SASLOptions } from 'kafkajs';
import type { ServiceConfig } from '../distributed/service-config.ts';
import { DEAD_LETTER_HEADERS } from './kafka-dead-letter-sink.ts';
import type { DeadLetterLine } from './file-dead-letter-sink.ts';

/** Which dead letters to replay: any of the stages and any of the reasons given (all when empty). */
export interface DeadLetterFilter {
  stages?: string[];
  reasons?: string[];
}

export interface ReplaySummary {
  /** Dead letters read (past the ones replayed before). */
  read: number;
  replayed: number;
  /** Left out by the filter, or with no topic to go back to. */
  skipped: number;
  /** Replayed (or, in a dry run, to replay) per `stage/reason`. */
  byReason: Record<string, number>;
  /** Replayed per target topic. */
  byTopic: Record<string, number>;
}

export interface KafkaReplayOptions {
  kafka: Kafka;
  admin: Admin;
  /** The dead-letter topic. */
  topic: string;
  /** Consumer group that remembers what was replayed (so a second run replays only newer dead letters). */
  group: string;
  filter: DeadLetterFilter;
  /** Produce there instead of each record's source topic. */
  to?: string;
  /** Count only: produce nothing, commit nothing. */
  dryRun?: boolean;
}

export const REPLAYED_FROM_HEADER = 'socle-replayed-from';

const matches = (filter: DeadLetterFilter, stage: string, reason: string): boolean =>
  (!filter.stages?.length || filter.stages.includes(stage)) && (!filter.reasons?.length || filter.reasons.includes(reason));

function count(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/**
 * Produces the dead letters of `socle serve` back to their source topic (same key, same bytes, so the collector's
 * partitioning holds), once the cause is fixed: a rule or pipeline that threw, a limit raised. The consumer group
 * commits what it replayed, so a second run replays only dead letters written since. A record that fails again
 * is dead-lettered again, under its new offset.
 */
export async function replayKafkaDeadLetters(o: KafkaReplayOptions): Promise<ReplaySummary> {
  const summary: ReplaySummary = { read: 0, replayed: 0, skipped: 0, byReason: {}, byTopic: {} };
  const ends = await o.admin.fetchTopicOffsets(o.topic);
  const committed = (await o.admin.fetchOffsets({ groupId: o.group, topics: [o.topic] }))[0]?.partitions ?? [];
  const pending = new Map<number, bigint>();
  for (const e of ends) {
    const c = committed.find((p) => p.partition === e.partition)?.offset;
    const start = c !== undefined && c !== '-1' ? BigInt(c) : BigInt(e.low);
    if (BigInt(e.high) > start) pending.set(e.partition, BigInt(e.high));
  }
  if (pending.size === 0) return summary;
  const producer = o.dryRun ? undefined : o.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer?.connect();
  const consumer = o.kafka.consumer({ groupId: o.group, sessionTimeout: 10_000 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: o.topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const end = pending.get(batch.partition);
            if (end === undefined) return;
            const out = new Map<string, Message[]>();
            let last: string | undefined;
            for (const m of batch.messages) {
              if (BigInt(m.offset) >= end) break;
              last = m.offset;
              summary.read++;
              const h = (name: string) => m.headers?.[name]?.toString();
              const stage = h(DEAD_LETTER_HEADERS.stage) ?? '?';
              const reason = h(DEAD_LETTER_HEADERS.reason) ?? '?';
              const target = o.to ?? h(DEAD_LETTER_HEADERS.topic);
              if (!matches(o.filter, stage, reason) || !target) {
                summary.skipped++;
                continue;
              }
              const headers: IHeaders = { [REPLAYED_FROM_HEADER]: `${o.topic}/${batch.partition}/${m.offset}` };
              const list = out.get(target) ?? [];
              list.push({ key: m.key, value: m.value, headers });
              out.set(target, list);
              summary.replayed++;
              count(summary.byReason, `${stage}/${reason}`);
              count(summary.byTopic, target);
            }
            if (producer) {
              for (const [topic, messages] of out) await producer.send({ topic, acks: -1, messages });
              if (last !== undefined) await consumer.commitOffsets([{ topic: o.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
            }
            if (last !== undefined && BigInt(last) + 1n >= end) {
              pending.delete(batch.partition);
              if (pending.size === 0) resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await producer?.disconnect();
  }
  return summary;
}

/**
 * The records of a `socle run` dead-letter file that pass the filter, as the raw lines they were (for a file
 * input or `socle collect --input stdin`); records that were not UTF-8 text are left out and counted as skipped.
 */
export async function replayFileDeadLetters(file: string, filter: DeadLetterFilter, write: (line: string) => void): Promise<ReplaySummary> {
  const summary: ReplaySummary = { read: 0, replayed: 0, skipped: 0, byReason: {}, byTopic: {} };
  const text = await readFile(file, 'utf8');
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let letter: DeadLetterLine;
    try {
      letter = JSON.parse(line) as DeadLetterLine;
    } catch {
      throw new Error(`${file}:${i + 1}: not a dead-letter line (not JSON)`);
    }
    summary.read++;
    if (!matches(filter, letter.stage, letter.reason) || typeof letter.raw !== 'string') {
      summary.skipped++;
      continue;
    }
    write(letter.raw);
    summary.replayed++;
    count(summary.byReason, `${letter.stage}/${letter.reason}`);
    const origin = letter.origin as { input?: string; topic?: string };
    count(summary.byTopic, origin.input ?? origin.topic ?? '?');
  }
  return summary;
}

/**
 * The consumer group that remembers what a filter replayed: one per filter, so records one filter passed over
 * stay replayable by another.
 */
export function replayGroup(group: string, filter: DeadLetterFilter): string {
  const part = (name: string, values?: string[]) => (values?.length ? `.${name}=${[...values].sort().join('+')}` : '');
  return `${group}.dlq-replay${part('stage', filter.stages)}${part('reason', filter.reasons)}`;
}

/** `replayKafkaDeadLetters` with the brokers, credentials, group and dead-letter topic of a `socle serve` config. */
export async function replayServiceDeadLetters(config: ServiceConfig, filter: DeadLetterFilter, options: { to?: string; dryRun?: boolean } = {}): Promise<ReplaySummary> {
  const k = config.kafka;
  const kafka = new Kafka({ clientId: `${k.clientId}-dlq-replay`, brokers: k.brokers, ssl: k.ssl, ...(k.sasl ? { sasl: k.sasl as SASLOptions } : {}), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await replayKafkaDeadLetters({ kafka, admin, topic: k.topics.deadLetters, group: replayGroup(k.group, filter), filter, ...options });
  } finally {
    await admin.disconnect();
  }
}
