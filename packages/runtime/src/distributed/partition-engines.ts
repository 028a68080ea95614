import type { Alert, Engine, SocleEvent, StateCarryOver } from '@socle/core';
import type { DetectionEngine } from '../detection-loop.ts';
import type { ReloadTarget } from '../reload/rule-set-reloader.ts';
import { parsePartitionRef, partitionKey } from './partition-ref.ts';

/**
 * One engine per Kafka partition behind the detection loop's single-engine interface: each event goes to the
 * engine of the partition its ref names. The collector routes events by correlation key, so a key's state
 * lives in exactly one engine, which can be checkpointed and moved with its partition.
 *
 * It is also the hot reload's target: `replace` swaps every partition's engine for one of the new rule set that
 * carries the state of the unchanged rules, and partitions opened later get engines of the new set.
 */
export class PartitionEngines implements DetectionEngine, ReloadTarget {
  private engines = new Map<string, Engine>();
  /** An engine of the running rule set that never sees an event: what a reload is judged against. */
  private probe: Engine;

  /** `probe`: an engine of the rule set to run; each partition gets a fork of it (its compiled rules shared). */
  constructor(probe: Engine) {
    this.probe = probe;
  }

  get current(): Engine {
    return this.probe;
  }

  /**
   * A fresh engine for the partition, continuing `snapshot` when there is one (state of the rules unchanged since
   * the checkpoint was written; changed rules start empty); replaces any previous engine.
   */
  open(topic: string, partition: number, snapshot?: Uint8Array): Engine {
    const engine = this.probe.fork();
    if (snapshot) {
      const carried = engine.carryStateFrom(snapshot);
      // A snapshot written before rule fingerprints existed carries nothing: it needs the same rules.
      if (carried.kept.length === 0 && carried.reset.length === 0 && carried.removed.length === 0) engine.restore(snapshot);
    }
    this.engines.set(partitionKey(topic, partition), engine);
    return engine;
  }

  /**
   * Puts the new rule set in place on every open partition (a new engine each, carrying the state of unchanged
   * rules) and for the partitions opened later. Synchronous: the detection loop never sees half a swap. Nothing
   * changes when one engine cannot take over its partition's state (the error goes to the caller).
   */
  replace(next: Engine): StateCarryOver {
    const swapped = new Map<string, Engine>();
    for (const [key, old] of this.engines) {
      const engine = next.fork();
      engine.carryStateFrom(old);
      swapped.set(key, engine);
    }
    // Which rules are kept, reset, added and removed depends on the rule sets only: ask the probes.
    const summary = next.carryStateFrom(this.probe);
    this.engines = swapped;
    this.probe = next;
    return summary;
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

  /** Advances the event time of the named partitions only (caught-up ones: others may still replay old events). */
  advanceWatermarkOf(partitions: readonly { topic: string; partition: number }[], timeMs: number): Alert[] {
    const out: Alert[] = [];
    for (const { topic, partition } of partitions) {
      const engine = this.get(topic, partition);
      if (engine) out.push(...engine.advanceWatermark(timeMs));
    }
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
