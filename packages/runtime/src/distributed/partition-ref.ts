/** Where an event sits in Kafka; its text form `topic/partition/offset` is the event ref the engine sees. */
export interface PartitionPosition {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit; kept as decimal text like kafkajs does. */
  offset: string;
}

export function formatPartitionRef(p: PartitionPosition): string {
  return `${p.topic}/${p.partition}/${p.offset}`;
}

/** Topic names cannot contain '/', so the last two segments are always partition and offset. */
export function parsePartitionRef(id: string): PartitionPosition {
  const parts = id.split('/');
  const offset = parts.pop();
  const partition = Number(parts.pop());
  const topic = parts.join('/');
  if (!topic || !Number.isInteger(partition) || partition < 0 || !offset || !/^\d+$/.test(offset)) {
    throw new RangeError(`event ref '${id}' is not topic/partition/offset`);
  }
  return { topic, partition, offset };
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/** The offset after `offset` (the position a consumer resumes at). */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}
