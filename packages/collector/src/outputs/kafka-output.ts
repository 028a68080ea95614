import { createLogger, errorMessage, type Logger } from '@socle/core';
import kafkajs from 'kafkajs';
import type { Producer, Message, TopicMessages, LogEntry } from 'kafkajs';
import type { CollectorMetrics } from '../metrics/collector-metrics.ts';
import type { OutboundRecord } from '../delivery/outbound.ts';
import type { Output } from './output.ts';
import { keyFor, topicFor } from './kafka-routing.ts';
import { compressionType, registerKafkaCodecs, type KafkaCompression } from './kafka-codecs.ts';

const { Kafka, Partitioners, logLevel } = kafkajs;
registerKafkaCodecs();

export interface KafkaOutputOptions {
  brokers: string[];
  clientId: string;
  /** One topic, or a template with `{dataset}` (e.g. `socle.events.{dataset}`). */
  topic: string;
  /** Used for `{dataset}` when an event has no `event.dataset`. */
  defaultDataset: string;
  deadLetterTopic: string;
  /** Field whose value becomes the message key, so correlation keys stay on one partition. */
  keyField: string;
  /** `lz4` costs a fraction of gzip's CPU per byte; consumers of the topic need the codec too (socle's register it). */
  compression: KafkaCompression;
  /** Idempotent producer, one request in flight per broker; false allows several (see the config schema). */
  idempotent?: boolean;
  /** kafkajs retries inside one send before it reports a failure. */
  retries: number;
  requestTimeoutMs: number;
  allowAutoTopicCreation: boolean;
  logger?: Logger;
}

/** Kafka output: idempotent producer, acks from all in-sync replicas, topic routing and keys, DLQ topic. */
export class KafkaOutput implements Output {
  readonly name = 'kafka';
  private readonly kafka: InstanceType<typeof Kafka>;
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;

  constructor(private readonly options: KafkaOutputOptions, private readonly metrics: CollectorMetrics) {
    const logger = options.logger ?? createLogger({ format: 'text', write: (line) => process.stderr.write(line) });
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      requestTimeout: options.requestTimeoutMs,
      connectionTimeout: 3000,
      retry: { retries: options.retries, initialRetryTime: 200, maxRetryTime: 5000 },
      logLevel: logLevel.ERROR,
      logCreator: () => (entry: LogEntry) => logKafkaEntry(entry, logger),
    });
  }

  /** Connects eagerly but does not fail the start when Kafka is down: sends retry, and the spool (if any) takes over. */
  async start(): Promise<void> {
    try {
      await this.connected();
    } catch (error) {
      this.options.logger?.warn('kafka: not reachable at start; will retry on send', { error: errorMessage(error) });
    }
  }

  async send(batch: OutboundRecord[]): Promise<void> {
    const topicMessages = this.route(batch);
    const started = process.hrtime.bigint();
    try {
      const producer = await this.connected();
      await producer.sendBatch({
        topicMessages,
        acks: -1,
        compression: compressionType(this.options.compression),
      });
    } catch (error) {
      this.metrics.outputErrors.labels(this.name).inc();
      // A failed idempotent producer may hold stale sequence numbers: start afresh with a new producer id.
      await this.discardProducer();
      throw new Error(`kafka (${this.options.brokers.join(',')}): ${errorMessage(error)}`);
    }
    this.metrics.produceLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
  }

  async close(): Promise<void> {
    await this.discardProducer();
  }

  private route(batch: OutboundRecord[]): TopicMessages[] {
    const byTopic = new Map<string, Message[]>();
    const add = (topic: string, message: Message): void => {
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push(message);
    };
    const { topic, defaultDataset, keyField, deadLetterTopic } = this.options;
    for (const record of batch) {
      if (record.kind === 'event') {
        add(topicFor(topic, record.event, defaultDataset), { key: keyFor(record.event, keyField), value: JSON.stringify(record.event) });
      } else {
        const error = deadLetterReason(record.letter);
        add(deadLetterTopic, {
          key: null,
          value: JSON.stringify(record.letter),
          headers: { 'socle.input': record.input, ...(typeof error === 'string' ? { 'socle.error': error.slice(0, 1024) } : {}) },
        });
      }
    }
    return [...byTopic].map(([t, messages]) => ({ topic: t, messages }));
  }

  private connected(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: this.options.idempotent ?? true,
        maxInFlightRequests: (this.options.idempotent ?? true) ? 1 : undefined,
        allowAutoTopicCreation: this.options.allowAutoTopicCreation,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: this.options.retries, initialRetryTime: 200, maxRetryTime: 5000 },
      });
      try {
        await producer.connect();
      } catch (error) {
        await producer.disconnect().catch(() => undefined);
        throw error;
      }
      this.producer = producer;
      return producer;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async discardProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}

/** The reason recorded by the parsers' `deadLetter` (`error.message`), or a plain `error` string. */
function deadLetterReason(letter: Record<string, unknown>): string | undefined {
  const error = letter.error;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  return undefined;
}

/**
 * kafkajs logs retriable metadata answers (topic being auto-created, leader moving) as errors although it retries
 * them; those are left out. Failures that matter reach the runtime as a failed send and are reported there.
 */
function logKafkaEntry(entry: LogEntry, logger: Logger): void {
  const { message, error, broker } = entry.log as { message: string; error?: string; broker?: string };
  if (message.startsWith('Response Metadata')) return;
  logger.error(`kafka: ${message}`, { ...(error ? { error } : {}), ...(broker ? { broker } : {}) });
}
