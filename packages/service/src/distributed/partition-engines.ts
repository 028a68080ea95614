import type { Alert, Engine, SocleEvent } from '@socle/core';
import type { DetectionEngine } from '../detection-loop.ts';
import { parsePartitionRef, partitionKey } from './partition-ref.ts';

/**
 * One engine per Kafka partition behind the detection loop's single-engine interface: each event goes to the
 * engine of the partition its ref names. The collector routes events by correlation key, so a key's state
 * lives in exactly one engine, which can be checkpointed and moved with its partition.
 */
export class PartitionEngines implements DetectionEngine {
  private readonly engines = new Map<string, Engine>();

  constructor(private readonly create: () => Engine) {}

  /** A fresh engine for the partition, restored from `snapshot` when there is one; replaces any previous engine. */
  open(topic: string, partition: number, snapshot?: Uint8Array): Engine {
    const engine = this.create();
    if (snapshot) engine.restore(snapshot);
    this.engines.set(partitionKey(topic, partition), engine);
    return engine;
  }

  get(topic: string, partition: number): Engine | undefined {
    return this.engines.get(partitionKey(topic, partition));
  }

  /** Forgets every engine: after a rebalance each partition is reopened from its checkpoint. */
  closeAll(): void {
    this.engines.clear();
  }

  entries(): IterableIterator<[string, Engine]> {
    return this.engines.entries();
  }

  process(event: SocleEvent, ref?: { id?: string }): Alert[] {
    if (!ref?.id) throw new Error('partitioned engine: an event arrived without a topic/partition/offset ref');
    const { topic, partition } = parsePartitionRef(ref.id);
    const engine = this.get(topic, partition);
    if (!engine) throw new Error(`partitioned engine: no engine is open for ${topic}/${partition} (event ${ref.id})`);
    return engine.process(event, ref);
  }

  advanceWatermark(timeMs: number): Alert[] {
    const out: Alert[] = [];
    for (const engine of this.engines.values()) out.push(...engine.advanceWatermark(timeMs));
    return out;
  }

  /** Correlation keys held across all partitions (a gauge for metrics). */
  stateKeys(): number {
    let keys = 0;
    for (const engine of this.engines.values()) {
      for (const rule of Object.values(engine.stats().correlation.rules)) keys += rule.keys;
    }
    return keys;
  }

  lateEventsDropped(): number {
    let late = 0;
    for (const engine of this.engines.values()) {
      for (const rule of Object.values(engine.stats().correlation.rules)) late += rule.lateDropped;
    }
    return late;
  }
}
