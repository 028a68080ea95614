// Reads what the collector wrote to Kafka, for the collector integration tests.
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { uniqueName } from '../setup/unique-name.ts';

export interface ReadMessage {
  topic: string;
  partition: number;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/** A consumer (own group, from the beginning) that keeps every message of the given topics. */
export class TopicReader {
  readonly messages: ReadMessage[] = [];
  private consumer: Consumer | undefined;

  constructor(private readonly brokers: string[], private readonly topics: (string | RegExp)[]) {}

  async start(): Promise<void> {
    const kafka = new Kafka({ clientId: 'socle-collector-test-reader', brokers: this.brokers, logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({ groupId: uniqueName('collector-reader'), maxWaitTimeInMs: 200 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
          this.messages.push({ topic: batch.topic, partition: batch.partition, key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers });
        }
      },
    });
  }

  /** Waits until at least `count` messages arrived (the test timeout bounds the wait). */
  async waitFor(count: number): Promise<ReadMessage[]> {
    while (this.messages.length < count) await new Promise((resolve) => setTimeout(resolve, 50));
    return this.messages;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/** Creates topics up front, so that consumers see them before the first message. */
export async function createTopics(brokers: string[], topics: string[], partitions = 1): Promise<void> {
  const kafka = new Kafka({ clientId: 'socle-collector-test-admin', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: partitions })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 25));
}
