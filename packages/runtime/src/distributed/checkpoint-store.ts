import { CompressionTypes, type Admin, type Kafka, type Producer } from 'kafkajs';

/** A partition's engine state and the offset it reflects: the state after every event before `offset`. */
export interface Checkpoint {
  topic: string;
  partition: number;
  /** The next offset to consume once `state` is restored (decimal text; anything else makes it unreadable). */
  offset: string;
  state: Uint8Array;
  /** Which of the partition's `keep` keys holds it (undefined: a key written before there were several). */
  slot?: number;
}

/** A partition's checkpoints as read back, newest first (by position in the state topic). */
export type CheckpointHistory = Checkpoint[];

const OFFSET_HEADER = 'socle-offset';

/**
 * Engine checkpoints in a compacted Kafka topic. Each partition writes its checkpoints to `keep` keys in turn
 * (`group/topic/partition#slot`), so compaction keeps its last `keep` checkpoints: when the newest cannot be
 * restored, the one before it can (the input is replayed from its offset). Reading means scanning the topic up
 * to its end offsets once per rebalance, which compaction keeps short.
 */
export class CheckpointStore {
  private producer?: Producer;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly group: string,
    /** Checkpoints kept per partition. */
    readonly keep = 3,
  ) {}

  key(topic: string, partition: number, slot?: number): string {
    return slot === undefined ? `${this.group}/${topic}/${partition}` : `${this.group}/${topic}/${partition}#${slot}`;
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
          key: this.key(checkpoint.topic, checkpoint.partition, checkpoint.slot),
          value: Buffer.from(checkpoint.state.buffer, checkpoint.state.byteOffset, checkpoint.state.byteLength),
          headers: { [OFFSET_HEADER]: checkpoint.offset },
        },
      ],
    });
  }

  /**
   * The checkpoints of every partition this group checkpointed, by `topic/partition`, newest first. Nothing is
   * checked here: a record whose offset header is missing or whose state is garbage is returned as it is, for
   * the reader to report and skip.
   */
  async readAll(admin: Admin): Promise<Map<string, CheckpointHistory>> {
    const latest = await this.readLatestByKey(admin);
    const out = new Map<string, CheckpointHistory>();
    for (const { checkpoint } of [...latest.values()].sort((a, b) => (b.position > a.position ? 1 : b.position < a.position ? -1 : 0))) {
      const key = `${checkpoint.topic}/${checkpoint.partition}`;
      let list = out.get(key);
      if (!list) out.set(key, (list = []));
      list.push(checkpoint);
    }
    return out;
  }

  /** The last record of every key of this group, with its position in the state topic. */
  private async readLatestByKey(admin: Admin): Promise<Map<string, { checkpoint: Checkpoint; position: bigint }>> {
    const out = new Map<string, { checkpoint: Checkpoint; position: bigint }>();
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
              const parsed = key?.startsWith(prefix) ? parseKey(key.slice(prefix.length)) : undefined;
              if (key && parsed) {
                if (message.value === null) out.delete(key);
                else {
                  const offset = message.headers?.[OFFSET_HEADER]?.toString() ?? '';
                  out.set(key, { checkpoint: { ...parsed, offset, state: new Uint8Array(message.value) }, position: BigInt(message.offset) });
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

/** `topic/partition` or `topic/partition#slot` (topic names cannot hold '#' or '/'). */
function parseKey(rest: string): { topic: string; partition: number; slot?: number } | undefined {
  const hash = rest.lastIndexOf('#');
  const slot = hash >= 0 ? Number(rest.slice(hash + 1)) : undefined;
  const body = hash >= 0 ? rest.slice(0, hash) : rest;
  const slash = body.lastIndexOf('/');
  const partition = Number(body.slice(slash + 1));
  if (slash <= 0 || !Number.isInteger(partition) || (slot !== undefined && !Number.isInteger(slot))) return undefined;
  return { topic: body.slice(0, slash), partition, ...(slot === undefined ? {} : { slot }) };
}
