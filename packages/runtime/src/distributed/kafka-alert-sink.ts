import type { Alert } from '@socle/core';
import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import type { AlertSink } from '@socle/api';

/**
 * The alerts topic: an idempotent producer, message key = alert id (so a compacted or keyed consumer sees one
 * alert per id), `write` resolves once all in-sync replicas have the batch.
 */
export class KafkaAlertSink implements AlertSink {
  private producer?: Producer;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {}

  async connect(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer?.disconnect();
  }

  async write(alerts: Alert[]): Promise<void> {
    if (!this.producer) throw new Error('kafka alert sink: connect() first');
    if (alerts.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages: alerts.map((a) => ({ key: a.event.id, value: JSON.stringify(a)})),
    });
  }
}
