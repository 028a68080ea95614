import type { SourcedEventRef, EventSource, SourceItem } from '../ports.ts';

/**
 * An event (or a record the parsers refused, to be dead-lettered) on the bus; `onAcked` runs once the consumer
 * acknowledged it (e.g. to let a file input checkpoint).
 */
export type BusItem = SourceItem & {
  onAcked?: () => void;
};

export interface InProcessBusOptions {
  /** Most events held at once, queued or delivered but not yet acknowledged; `publish` waits beyond that. */
  capacity?: number;
  /** Most events per delivered batch. */
  batchSize?: number;
}

/**
 * A bounded in-memory queue between the collector side and the detection loop. Capacity is released only when
 * the consumer acknowledges, so a slow or failing alert sink slows the producers down instead of growing memory.
 */
export class InProcessBus implements EventSource {
  readonly capacity: number;
  readonly batchSize: number;
  private readonly queued: BusItem[] = [];
  /** Items delivered and not yet acknowledged, in delivery order. */
  private readonly delivered: BusItem[] = [];
  private readonly waitingProducers: (() => void)[] = [];
  private wakeConsumer: (() => void) | undefined;
  private closed = false;
  private iterating = false;

  constructor(options: InProcessBusOptions = {}) {
    this.capacity = options.capacity ?? 10_000;
    this.batchSize = Math.min(options.batchSize ?? 500, this.capacity);
    if (!(this.capacity >= 1)) throw new Error(`bus capacity must be at least 1, got ${options.capacity}`);
    if (!(this.batchSize >= 1)) throw new Error(`bus batchSize must be at least 1, got ${options.batchSize}`);
  }

  /** Events queued or awaiting acknowledgement. */
  get held(): number {
    return this.queued.length + this.delivered.length;
  }

  /** True while capacity is used up: producers that cannot wait in `publish` should pause until `whenWritable`. */
  get full(): boolean {
    return this.held >= this.capacity;
  }

  /** Adds an event; resolves once there is room for it. */
  async publish(item: BusItem): Promise<void> {
    await this.whenWritable();
    this.offer(item);
  }

  /** Resolves once there is room (or the bus is closed). */
  async whenWritable(): Promise<void> {
    while (this.full && !this.closed) {
      await new Promise<void>((resolve) => this.waitingProducers.push(resolve));
    }
  }

  /**
   * Adds an event now, even beyond capacity: for producers that already hold the record (a chunk read from a file)
   * and check `full` before reading more.
   */
  offer(item: BusItem): void {
    if (this.closed) throw new Error(`bus closed: event ${item.ref.id} was not published`);
    this.queued.push(item);
    this.notifyConsumer();
  }

  /** No more events: the consumer's iteration ends once the queue is drained. */
  close(): void {
    this.closed = true;
    this.notifyConsumer();
    for (const wake of this.waitingProducers.splice(0)) wake();
  }

  async ack(upTo: SourcedEventRef): Promise<void> {
    // By identity first: ids are stable per record, not unique (the same line read twice has the same id).
    let at = this.delivered.findIndex((item) => item.ref === upTo);
    for (let i = this.delivered.length - 1; at < 0 && i >= 0; i--) if (this.delivered[i].ref.id === upTo.id) at = i;
    if (at < 0) throw new Error(`ack for event ${upTo.id}, which is not awaiting acknowledgement`);
    for (const item of this.delivered.splice(0, at + 1)) item.onAcked?.();
    const room = this.capacity - this.held;
    for (const wake of this.waitingProducers.splice(0, Math.max(room, 0))) wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SourceItem[]> {
    if (this.iterating) throw new Error('the in-process bus has one consumer; it is already being iterated');
    this.iterating = true;
    try {
      for (;;) {
        if (this.queued.length === 0) {
          if (this.closed) return;
          await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
          continue;
        }
        const batch = this.queued.splice(0, this.batchSize);
        this.delivered.push(...batch);
        // The consumer acks with the `ref` objects handed out here.
        yield batch.map(({ onAcked: _, ...item }) => item);
      }
    } finally {
      this.iterating = false;
    }
  }

  private notifyConsumer(): void {
    const wake = this.wakeConsumer;
    this.wakeConsumer = undefined;
    wake?.();
  }
}
