import { CompressionTypes, type Admin, type Kafka, type Producer } from 'kafkajs';

/** A partition's engine state and the offset it reflects: the state after every event before `offset`. */
export interface Checkpoint {
  topic: string;
  partition: number;
  /** The next offset to consume once `state` is restored. */
  offset: string;
  state: Uint8Array;
}

const OFFSET_HEADER = 'socle-offset';

/**
 * Engine checkpoints in a compacted Kafka topic, one key per `group/topic/partition`: compaction keeps the
 * latest checkpoint of each partition. Reading means scanning the topic up to its end offsets once per
 * rebalance, which compaction keeps short.
 */
export class CheckpointStore {
  private producer?: Producer;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly group: string,
  ) {}

  key(topic: string, partition: number): string {
    return `${this.group}/${topic}/${partition}`;
  }

  /** Creates the compacted topic when it is missing (one partition: it is read whole). */
  async ensureTopic(admin: Admin): Promise<void> {
    const existing = await admin.listTopics();
    if (existing.includes(this.topic)) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: this.topic,
          numPartitions: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'max.message.bytes', value: String(64 * 1024 * 1024) },
            { name: 'min.cleanable.dirty.ratio', value: '0.1' },
            { name: 'segment.ms', value: String(60 * 60 * 1000) },
          ],
        },
      ],
    });
  }

  async connect(): Promise<void> {
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer?.disconnect();
  }

  /** Resolves once the checkpoint is acknowledged by all in-sync replicas. */
  async write(checkpoint: Checkpoint): Promise<void> {
    if (!this.producer) throw new Error('checkpoint store: connect() first');
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages: [
        {
          key: this.key(checkpoint.topic, checkpoint.partition),
          value: Buffer.from(checkpoint.state.buffer, checkpoint.state.byteOffset, checkpoint.state.byteLength),
          headers: { [OFFSET_HEADER]: checkpoint.offset },
        },
      ],
    });
  }

  /** The latest checkpoint of every partition this group checkpointed, by `topic/partition`. */
  async readAll(admin: Admin): Promise<Map<string, Checkpoint>> {
    const out = new Map<string, Checkpoint>();
    const ends = await admin.fetchTopicOffsets(this.topic);
    const pending = new Map(ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => [e.partition, BigInt(e.high)]));
    if (pending.size === 0) return out;
    // kafkajs consumers need a group: a throwaway one that commits nothing.
    const consumer = this.kafka.consumer({ groupId: `${this.group}.checkpoint-reader.${Date.now()}.${Math.random().toString(36).slice(2)}`, sessionTimeout: 10_000 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      const prefix = `${this.group}/`;
      await new Promise<void>((resolveAll, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const key = message.key?.toString();
              if (key?.startsWith(prefix)) {
                const rest = key.slice(prefix.length);
                const slash = rest.lastIndexOf('/');
                const topic = rest.slice(0, slash);
                const p = Number(rest.slice(slash + 1));
                if (message.value === null) out.delete(`${topic}/${p}`);
                else {
                  const offset = message.headers?.[OFFSET_HEADER]?.toString();
                  if (offset) out.set(`${topic}/${p}`, { topic, partition: p, offset, state: new Uint8Array(message.value) });
                }
              }
              const end = pending.get(partition);
              if (end !== undefined && BigInt(message.offset) + 1n >= end) {
                pending.delete(partition);
                if (pending.size === 0) resolveAll();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return out;
  }
}
