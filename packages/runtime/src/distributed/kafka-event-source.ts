import { errorMessage } from '@socle/core';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { SourcedEventRef, EventSource, SourceItem } from '../ports.ts';
import type { Checkpoint, CheckpointHistory, CheckpointStore } from './checkpoint-store.ts';
import { decodeEvent } from './event-decoding.ts';
import type { PartitionEngines } from './partition-engines.ts';
import { formatPartitionRef, nextOffset, parsePartitionRef, partitionKey } from './partition-ref.ts';
import type { JsonLogger } from './json-logger.ts';

export interface KafkaEventSourceOptions {
  kafka: Kafka;
  admin: Admin;
  group: string;
  topics: string[];
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  engines: PartitionEngines;
  checkpoints: CheckpointStore;
  /** Checkpoint a partition (and commit its offset) when this much time passed since its last checkpoint... */
  checkpointIntervalMs: number;
  /** ...or this many events were handled since. */
  checkpointEveryEvents: number;
  logger: JsonLogger;
  /** A message larger than this is dead-lettered (`too-large`) without being parsed. */
  maxEventBytes: number;
  /** What to do for a partition none of whose checkpoints can be restored. */
  unreadableCheckpoints: UnreadableCheckpointPolicy;
  /** Told about a checkpoint that could not be restored (a fallback follows). */
  onCheckpointUnreadable?: (topic: string, partition: number) => void;
  /** Told about every fetched batch: events, lag (for metrics). */
  onBatch?: (topic: string, partition: number, messages: number, lag: number) => void;
  onCheckpoint?: (checkpoint: Checkpoint, bytes: number) => void;
  onAssignment?: (partitions: number) => void;
  now?: () => number;
}

/**
 * A partition none of whose kept checkpoints can be restored: `rebuild` replays the last `lookbackEvents` before
 * the newest checkpoint's offset into a fresh engine (windows refill; replayed alerts keep their ids), `empty`
 * starts a fresh engine at that offset.
 */
export interface UnreadableCheckpointPolicy {
  policy: 'rebuild' | 'empty';
  lookbackEvents: number;
}

/** What the source knows of a partition it owns in the current generation. */
interface PartitionProgress {
  /** Next offset to handle; undefined until the first batch when there was no checkpoint. */
  next?: string;
  /** Offset of the latest durable checkpoint (committed offsets never pass it). */
  checkpointed?: string;
  /** Slot of the partition's next checkpoint (see CheckpointStore). */
  slot: number;
  eventsSinceCheckpoint: number;
  lastCheckpointAt: number;
  /** When `next` last moved (or the partition was opened). */
  lastAdvanceAt: number;
  /** The partition's end offset at the last fetch. */
  endOffset?: string;
  seeked: boolean;
}

/** A partition as `/healthz` shows it. */
export interface PartitionHealth {
  topic: string;
  partition: number;
  /** Next offset to handle, latest checkpoint, partition end at the last fetch. */
  next?: string;
  checkpointed?: string;
  end?: string;
  /** Messages between `next` and `end`. */
  lag?: number;
  msSinceAdvance: number;
  /** It has input and has not advanced for longer than the stall limit. */
  stalled: boolean;
}

interface InFlightBatch {
  events: SourceItem[];
  topic: string;
  partition: number;
  generation: number;
  /** Last Kafka offset of the fetched batch (may be past the last event when some messages were unreadable). */
  lastOffset: string;
  done: () => void;
}

/**
 * Kafka consumer-group source for the detection loop. Each fetched partition batch becomes one loop batch (refs
 * `topic/partition/offset`); the consumer waits (heartbeating) until the loop acks it, so nothing runs ahead.
 *
 * Invariant: a partition's committed offset never passes its latest checkpoint, and a checkpoint (state S, offset
 * O) is written only after every alert of the events before O is durable in every sink. On assignment the owner
 * restores S and resumes at O (seeking there when the committed offset differs), so a restart or rebalance
 * replays events after O into the state they were first processed in, and the replayed alerts keep their ids.
 */
export class KafkaEventSource implements EventSource {
  private consumer?: Consumer;
  private generation = 0;
  private checkpointsOfGeneration?: Promise<Map<string, CheckpointHistory>>;
  private readonly progress = new Map<string, PartitionProgress>();
  private readonly queue: InFlightBatch[] = [];
  private inFlight?: InFlightBatch;
  private wake?: () => void;
  private stopping = false;
  private paused = false;
  private readonly now: () => number;
  private ready = false;
  /** Partitions assigned to this member in the current generation. */
  private assignment: { topic: string; partition: number }[] = [];

  constructor(private readonly options: KafkaEventSourceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** True once the consumer joined its group (for `/readyz`). */
  get isReady(): boolean {
    return this.ready && !this.stopping;
  }

  async start(): Promise<void> {
    const o = this.options;
    const consumer = o.kafka.consumer({ groupId: o.group, sessionTimeout: o.sessionTimeoutMs, heartbeatInterval: Math.floor(o.sessionTimeoutMs / 5), maxBytesPerPartition: 1024 * 1024 });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      // Every rebalance reopens each partition from its checkpoint: kafkajs resumes at the committed offset, and
      // an engine kept from before would have seen events after it.
      this.generation++;
      this.ready = true;
      this.progress.clear();
      o.engines.closeAll();
      this.checkpointsOfGeneration = undefined;
      this.assignment = Object.entries(e.payload.memberAssignment).flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })));
      const assigned = this.assignment.length;
      o.onAssignment?.(assigned);
      o.logger.info('partitions assigned', { generation: this.generation, assignment: e.payload.memberAssignment });
    });
    consumer.on(consumer.events.CRASH, (e) => {
      this.ready = false;
      o.logger.error('kafka consumer crashed', { error: String(e.payload.error), restart: e.payload.restart });
    });
    await consumer.connect();
    await consumer.subscribe({ topics: o.topics, fromBeginning: o.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SourceItem[]> {
    while (true) {
      const next = this.queue.shift();
      if (next) {
        this.inFlight = next;
        yield next.events;
        continue;
      }
      if (this.stopping) return;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }

  async ack(upTo: SourcedEventRef): Promise<void> {
    const batch = this.inFlight;
    const pos = parsePartitionRef(upTo.id);
    if (!batch || batch.topic !== pos.topic || batch.partition !== pos.partition) {
      throw new Error(`kafka source: ack for ${upTo.id}, which is not the batch in flight`);
    }
    this.inFlight = undefined;
    await this.complete(batch);
  }

  /** Moves the partition's position past a handled batch and checkpoints when due. */
  private async complete(batch: InFlightBatch): Promise<void> {
    try {
      if (batch.generation !== this.generation) return; // the partition was reassigned meanwhile: its new owner replays
      const progress = this.progressOf(batch.topic, batch.partition);
      progress.next = nextOffset(batch.lastOffset);
      progress.lastAdvanceAt = this.now();
      progress.eventsSinceCheckpoint += batch.events.length;
      const due = progress.eventsSinceCheckpoint >= this.options.checkpointEveryEvents || this.now() - progress.lastCheckpointAt >= this.options.checkpointIntervalMs;
      if (due) await this.checkpoint(batch.topic, batch.partition);
    } finally {
      batch.done();
    }
  }

  /** Stops fetching new batches (the loop's sink is failing); `resume` continues where it stopped. */
  pause(): void {
    if (this.paused || !this.consumer) return;
    this.paused = true;
    this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
    this.options.logger.warn('consumption paused: an alert sink is failing');
  }

  resume(): void {
    if (!this.paused || !this.consumer) return;
    this.paused = false;
    this.consumer.resume(this.options.topics.map((topic) => ({ topic })));
    this.options.logger.info('consumption resumed');
  }

  /** Ends the iteration after the batch in flight; batches not yet handed to the loop are left uncommitted. */
  stopConsuming(): void {
    this.stopping = true;
    for (const b of this.queue.splice(0)) b.done();
    this.wake?.();
  }

  /** Checkpoints every partition with progress since its last checkpoint, then leaves the group. */
  async close(): Promise<void> {
    this.stopConsuming();
    // A batch handed to the loop but never acked (its sink kept failing) is in its engine's state already:
    // that partition keeps its previous checkpoint, from which the batch is replayed.
    const unacked = this.inFlight ? partitionKey(this.inFlight.topic, this.inFlight.partition) : undefined;
    this.inFlight?.done();
    for (const key of [...this.progress.keys()]) {
      if (key === unacked) continue;
      const { topic, partition } = splitKey(key);
      const p = this.progress.get(key);
      if (p && p.next !== undefined && p.next !== p.checkpointed) await this.checkpoint(topic, partition);
    }
    await this.consumer?.disconnect();
    this.ready = false;
  }

  private progressOf(topic: string, partition: number): PartitionProgress {
    const key = partitionKey(topic, partition);
    let p = this.progress.get(key);
    if (!p) this.progress.set(key, (p = { slot: 0, eventsSinceCheckpoint: 0, lastCheckpointAt: this.now(), lastAdvanceAt: this.now(), seeked: false }));
    return p;
  }

  /** True while a batch of the partition waits for the loop or is in its hands. */
  private busy(key: string): boolean {
    const of = (b: InFlightBatch | undefined) => b !== undefined && partitionKey(b.topic, b.partition) === key;
    return of(this.inFlight) || this.queue.some(of);
  }

  /**
   * Checkpoints (and commits) every partition that moved since its last checkpoint, once `checkpointIntervalMs`
   * passed: a caught-up or idle partition gets no new batch to trigger it. Call it between two loop batches
   * (`DetectionLoop.exclusive`): the engines then hold exactly the events before each partition's position.
   */
  async checkpointIdle(): Promise<void> {
    if (this.stopping) return;
    for (const [key, p] of [...this.progress]) {
      if (p.next === undefined || p.next === p.checkpointed || this.busy(key)) continue;
      if (this.now() - p.lastCheckpointAt < this.options.checkpointIntervalMs) continue;
      const { topic, partition } = splitKey(key);
      await this.checkpoint(topic, partition);
    }
  }

  /**
   * Opens the assigned partitions no batch opened yet (nothing new arrived since the assignment), from their
   * checkpoints, with their end offsets: a quiet partition's open windows and absences can then close on the
   * wall clock. Call it between two loop batches (`DetectionLoop.exclusive`).
   */
  async openQuietPartitions(): Promise<void> {
    const generation = this.generation;
    const quiet = this.assignment.filter(({ topic, partition }) => !this.progress.has(partitionKey(topic, partition)));
    if (quiet.length === 0 || this.stopping) return;
    const ends = new Map<string, string>();
    for (const topic of new Set(quiet.map((q) => q.topic))) {
      for (const o of await this.options.admin.fetchTopicOffsets(topic)) ends.set(partitionKey(topic, o.partition), o.high);
    }
    for (const { topic, partition } of quiet) {
      if (generation !== this.generation || this.stopping) return;
      const progress = await this.openPartition(topic, partition);
      progress.endOffset ??= ends.get(partitionKey(topic, partition));
    }
  }

  /** Open partitions that have handled everything up to their end at the last fetch and have nothing queued. */
  caughtUpPartitions(): { topic: string; partition: number }[] {
    const out: { topic: string; partition: number }[] = [];
    for (const [key, p] of this.progress) {
      if (p.next === undefined || p.endOffset === undefined || BigInt(p.next) < BigInt(p.endOffset) || this.busy(key)) continue;
      out.push(splitKey(key));
    }
    return out;
  }

  /** Each open partition's position, end and whether it stalls (input waiting, no progress for `stallAfterMs`). */
  partitionHealth(stallAfterMs: number): PartitionHealth[] {
    const now = this.now();
    return [...this.progress].map(([key, p]) => {
      const lag = p.next !== undefined && p.endOffset !== undefined ? Math.max(0, Number(BigInt(p.endOffset) - BigInt(p.next))) : undefined;
      const waiting = lag === undefined ? this.busy(key) : lag > 0;
      return {
        ...splitKey(key),
        next: p.next,
        checkpointed: p.checkpointed,
        end: p.endOffset,
        lag,
        msSinceAdvance: now - p.lastAdvanceAt,
        stalled: waiting && now - p.lastAdvanceAt > stallAfterMs,
      };
    });
  }

  /** Writes the partition's state at its position, then commits that position (never the other way round). */
  private async checkpoint(topic: string, partition: number): Promise<void> {
    const progress = this.progressOf(topic, partition);
    const engine = this.options.engines.get(topic, partition);
    if (!engine || progress.next === undefined) return;
    const offset = progress.next;
    try {
      const state = engine.snapshot();
      const checkpoint = { topic, partition, offset, state, slot: progress.slot };
      await this.options.checkpoints.write(checkpoint);
      progress.slot = (progress.slot + 1) % this.options.checkpoints.keep;
      progress.checkpointed = offset;
      progress.eventsSinceCheckpoint = 0;
      progress.lastCheckpointAt = this.now();
      this.options.onCheckpoint?.(checkpoint, state.byteLength);
    } catch (err) {
      // Without a checkpoint nothing is committed: a restart replays from the previous one.
      this.options.logger.error('checkpoint failed; offsets not committed', { topic, partition, offset, error: errorText(err) });
      return;
    }
    try {
      await this.consumer?.commitOffsets([{ topic, partition, offset }]);
    } catch (err) {
      // The checkpoint is durable: the partition's next owner resumes from it whatever was committed.
      this.options.logger.warn('offset commit failed after checkpoint', { topic, partition, offset, error: errorText(err) });
    }
  }

  /** Opens the partition's engine from its checkpoint the first time it is fetched in this generation. */
  private async openPartition(topic: string, partition: number): Promise<PartitionProgress> {
    const key = partitionKey(topic, partition);
    const known = this.progress.get(key);
    if (known && this.options.engines.get(topic, partition)) return known;
    this.checkpointsOfGeneration ??= this.options.checkpoints.readAll(this.options.admin);
    const history = (await this.checkpointsOfGeneration).get(key) ?? [];
    const checkpoint = this.restoreNewestReadable(topic, partition, history);
    const progress = this.progressOf(topic, partition);
    progress.slot = history[0]?.slot === undefined ? 0 : (history[0].slot + 1) % this.options.checkpoints.keep;
    progress.lastAdvanceAt = this.now();
    if (checkpoint) {
      progress.next = checkpoint.offset;
      progress.checkpointed = checkpoint.offset;
    } else if (history.length > 0) {
      progress.next = await this.startWithoutCheckpoint(topic, partition, history);
      progress.checkpointed = undefined;
    }
    this.options.logger.info('partition opened', { topic, partition, checkpoint: checkpoint ? { offset: checkpoint.offset, bytes: checkpoint.state.byteLength } : null, start: progress.next ?? null });
    return progress;
  }

  /**
   * Opens the partition's engine from the newest checkpoint that restores; each one that does not is reported
   * (loudly: its state is lost, the input is replayed from an older offset). Undefined when none restores (the
   * engine is then opened empty).
   */
  private restoreNewestReadable(topic: string, partition: number, history: CheckpointHistory): Checkpoint | undefined {
    for (const [i, c] of history.entries()) {
      try {
        if (!/^\d+$/.test(c.offset)) throw new Error(`its offset header is ${c.offset ? `'${c.offset.slice(0, 40)}'` : 'missing'}, not an offset`);
        this.options.engines.open(topic, partition, c.state);
        return c;
      } catch (err) {
        this.options.onCheckpointUnreadable?.(topic, partition);
        const next = history[i + 1];
        this.options.logger.error('checkpoint unreadable', {
          topic,
          partition,
          slot: c.slot ?? null,
          offset: c.offset || null,
          bytes: c.state.byteLength,
          error: errorText(err),
          fallback: next ? `the previous checkpoint (offset ${next.offset || '?'}), replaying the input from there` : `none left: policy '${this.options.unreadableCheckpoints.policy}'`,
        });
      }
    }
    this.options.engines.open(topic, partition);
    return undefined;
  }

  /** Where a partition with checkpoints, none of them readable, starts (see UnreadableCheckpointPolicy). */
  private async startWithoutCheckpoint(topic: string, partition: number, history: CheckpointHistory): Promise<string | undefined> {
    const newest = history.find((c) => /^\d+$/.test(c.offset))?.offset;
    const { policy, lookbackEvents } = this.options.unreadableCheckpoints;
    if (newest === undefined) {
      this.options.logger.error('no readable checkpoint and no offset to start from: starting empty at the committed offset', { topic, partition });
      return undefined;
    }
    let start = BigInt(newest);
    if (policy === 'rebuild') {
      const low = (await this.options.admin.fetchTopicOffsets(topic)).find((o) => o.partition === partition)?.low ?? '0';
      start = start - BigInt(lookbackEvents);
      if (start < BigInt(low)) start = BigInt(low);
    }
    this.options.logger.error('no readable checkpoint: starting with an empty engine', { topic, partition, policy, from: start.toString(), checkpointOffset: newest });
    return start.toString();
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (this.stopping || !isRunning() || isStale() || batch.messages.length === 0) return;
    const { topic, partition } = batch;
    const generation = this.generation;
    const progress = await this.openPartition(topic, partition);
    progress.endOffset = batch.highWatermark;
    const first = BigInt(batch.messages[0].offset);
    if (progress.next !== undefined && first > BigInt(progress.next) && !progress.seeked) {
      // Committed offset ahead of the checkpoint (a crash between the two): go back to the checkpoint.
      progress.seeked = true;
      this.consumer?.seek({ topic, partition, offset: progress.next });
      this.options.logger.warn('seeking back to the checkpoint', { topic, partition, from: batch.messages[0].offset, to: progress.next });
      return;
    }
    const from = progress.next === undefined ? first : BigInt(progress.next);
    const events: SourceItem[] = [];
    for (const message of batch.messages) {
      if (BigInt(message.offset) < from) continue; // already in the restored state
      const ref = { id: formatPartitionRef({ topic, partition, offset: message.offset }) };
      const raw = { value: message.value, key: message.key, origin: { topic, partition, offset: message.offset } };
      const decoded = decodeEvent(message.value, this.options.maxEventBytes);
      // Unreadable records go through the loop too: dead-lettered durably before the batch is acknowledged.
      events.push('event' in decoded ? { event: decoded.event, ref, raw } : { ref, raw, rejected: decoded.rejected });
    }
    const lastOffset = batch.messages[batch.messages.length - 1].offset;
    this.options.onBatch?.(topic, partition, batch.messages.length, Number(batch.offsetLag()));
    if (BigInt(lastOffset) < from) {
      resolveOffset(lastOffset);
      return;
    }
    let done!: () => void;
    const handled = new Promise<void>((r) => (done = r));
    const entry: InFlightBatch = { events, topic, partition, generation, lastOffset, done };
    if (events.length === 0) {
      // Nothing to detect on: still move the position (and checkpoint when due) like a handled batch.
      await this.complete(entry);
    } else {
      this.queue.push(entry);
      this.wake?.();
      // Heartbeat while the loop works (or waits for a failing sink), so the group keeps this member.
      let waiting = true;
      void handled.then(() => (waiting = false));
      while (waiting) {
        await Promise.race([handled, new Promise((r) => setTimeout(r, Math.max(500, Math.floor(this.options.sessionTimeoutMs / 5))))]);
        if (waiting) await heartbeat().catch(() => undefined);
      }
    }
    if (!this.stopping && generation === this.generation) resolveOffset(lastOffset);
  }
}

function splitKey(key: string): { topic: string; partition: number } {
  const slash = key.lastIndexOf('/');
  return { topic: key.slice(0, slash), partition: Number(key.slice(slash + 1)) };
}

function errorText(err: unknown): string {
  return errorMessage(err);
}
