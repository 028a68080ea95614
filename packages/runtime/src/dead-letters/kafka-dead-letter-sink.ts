import type { Admin, IHeaders, Kafka, Producer } from 'kafkajs';
import type { DeadLetter, DeadLetterSink } from './dead-letter.ts';

/** Headers of a dead-letter message; its value and key are the record's own bytes. */
export const DEAD_LETTER_HEADERS = {
  stage: 'socle-dlq-stage',
  reason: 'socle-dlq-reason',
  error: 'socle-dlq-error',
  ref: 'socle-dlq-ref',
  at: 'socle-dlq-at',
  topic: 'socle-dlq-topic',
  partition: 'socle-dlq-partition',
  offset: 'socle-dlq-offset',
  input: 'socle-dlq-input',
} as const;

/** Large enough for any record a topic of this service accepts (the state topic takes as much). */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * The dead-letter topic of `socle serve`: each record as it came (value and key bytes untouched, so invalid UTF-8
 * and oversized records survive), with the stage, reason, error and source partition/offset in headers.
 * `socle dlq replay` produces them back to their source topic with the same key.
 */
export class KafkaDeadLetterSink implements DeadLetterSink {
  private producer?: Producer;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
  ) {}

  /** Creates the topic when it is missing (delete policy: dead letters are kept for the broker's retention). */
  async ensureTopic(admin: Admin): Promise<void> {
    if ((await admin.listTopics()).includes(this.topic)) return;
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: this.topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: String(MAX_MESSAGE_BYTES) }] }] });
  }

  async connect(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer?.disconnect();
  }

  async write(letters: DeadLetter[]): Promise<void> {
    if (!this.producer) throw new Error('dead-letter sink: connect() first');
    if (letters.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: letters.map((l) => ({
        key: l.raw.key ? Buffer.from(l.raw.key) : null,
        value: l.raw.value ? Buffer.from(l.raw.value) : null,
        headers: deadLetterHeaders(l),
      })),
    });
  }
}

export function deadLetterHeaders(l: DeadLetter): IHeaders {
  const h = DEAD_LETTER_HEADERS;
  const headers: IHeaders = { [h.stage]: l.stage, [h.reason]: l.reason, [h.error]: l.message.slice(0, 2000), [h.ref]: l.ref, [h.at]: l.at };
  const o = l.raw.origin;
  if ('topic' in o) Object.assign(headers, { [h.topic]: o.topic, [h.partition]: String(o.partition), [h.offset]: o.offset });
  else headers[h.input] = o.input;
  return headers;
}
