import type { Alert } from '@socle/core';
import { CompressionTypes, type Admin, type Kafka, type Producer } from 'kafkajs';
import type { AlertSink } from '@socle/api';
import { errorMessage, type DeadLetter, type DeadLetterSink } from '../dead-letters/dead-letter.ts';
import type { JsonLogger } from './json-logger.ts';

/** The alerts topic's record size limit, set when the topic is created; larger alerts are dead-lettered. */
export const MAX_ALERT_BYTES = 4 * 1024 * 1024;

export interface KafkaAlertSinkOptions {
  /** Where an alert that cannot be serialised or is too large goes (it still goes to Elasticsearch). */
  deadLetters?: DeadLetterSink;
  onDeadLetters?: (letters: DeadLetter[]) => void;
  maxAlertBytes?: number;
}

/**
 * The alerts topic: an idempotent producer, message key = alert id, `write` resolves once all in-sync replicas
 * have the batch. The topic is created compacted, so it is a table of alerts by id: a replay after a crash or a
 * rebalance, and a suppression update, rewrite the same key, and compaction keeps the latest version of each.
 */
export class KafkaAlertSink implements AlertSink {
  private producer?: Producer;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly options: KafkaAlertSinkOptions = {},
  ) {}

  /**
   * Creates the topic compacted when it is missing; an existing topic with another cleanup policy is reported
   * (its consumers see replayed alerts as duplicates until it is compacted), not changed.
   */
  async ensureTopic(admin: Admin, logger?: JsonLogger): Promise<void> {
    if (!(await admin.listTopics()).includes(this.topic)) {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: this.topic, configEntries: ALERT_TOPIC_CONFIG }] });
      return;
    }
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2 /* TOPIC */, name: this.topic, configNames: ['cleanup.policy'] }] });
    const policy = described.resources[0]?.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue;
    if (policy !== undefined && !policy.split(',').includes('compact')) {
      logger?.error('the alerts topic is not compacted: its consumers must deduplicate alerts by key', { topic: this.topic, cleanupPolicy: policy, fix: `kafka-configs --alter --entity-type topics --entity-name ${this.topic} --add-config cleanup.policy=compact` });
    }
  }

  async connect(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer?.disconnect();
  }

  async write(alerts: Alert[]): Promise<void> {
    if (!this.producer) throw new Error('kafka alert sink: connect() first');
    if (alerts.length === 0) return;
    const max = this.options.maxAlertBytes ?? MAX_ALERT_BYTES;
    const messages: { key: string; value: string }[] = [];
    const letters: DeadLetter[] = [];
    for (const a of alerts) {
      let value: string | undefined;
      let reason = 'unserialisable';
      let message = '';
      try {
        value = JSON.stringify(a);
        if (Buffer.byteLength(value) > max) {
          reason = 'too-large';
          message = `the alert is ${Buffer.byteLength(value)} bytes as JSON, over the alerts topic's ${max}-byte limit`;
        }
      } catch (err) {
        message = `the alert cannot be written as JSON: ${errorMessage(err)}`;
      }
      if (value !== undefined && message === '') messages.push({ key: a.event.id, value });
      else letters.push({ stage: 'serialise', reason, message, ref: a.event.id, at: new Date().toISOString(), raw: { value: value === undefined ? null : Buffer.from(value), key: Buffer.from(a.event.id), origin: { input: `alert:${a.rule.id}` } } });
    }
    if (letters.length > 0) {
      await this.options.deadLetters?.write(letters);
      this.options.onDeadLetters?.(letters);
    }
    if (messages.length === 0) return;
    await this.producer.send({ topic: this.topic, acks: -1, compression: CompressionTypes.GZIP, messages });
  }
}

const ALERT_TOPIC_CONFIG = [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'max.message.bytes', value: String(MAX_ALERT_BYTES + 64 * 1024) },
  { name: 'min.cleanable.dirty.ratio', value: '0.1' },
  { name: 'segment.ms', value: String(60 * 60 * 1000) },
];
