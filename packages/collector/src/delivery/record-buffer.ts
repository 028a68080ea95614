/**
 * Bounded FIFO between the inputs and the output. Bounded softly: `push` never refuses (an input cannot
 * un-read a TCP chunk it already holds), but once `full` is true inputs must stop reading until
 * `whenWritable()` resolves, i.e. until the buffer has drained below `resumeBelow`.
 * One consumer (the delivery loop) takes batches with `take`.
 */
export class RecordBuffer<T> {
  private items: T[] = [];
  private head = 0;
  private closed = false;
  private consumerWake: (() => void) | undefined;
  private writableWaiters: (() => void)[] = [];
  readonly resumeBelow: number;

  constructor(readonly capacity: number, resumeRatio = 0.75) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`RecordBuffer: capacity must be a positive integer, got ${capacity}`);
    this.resumeBelow = Math.max(1, Math.floor(capacity * resumeRatio));
  }

  get size(): number {
    return this.items.length - this.head;
  }

  get full(): boolean {
    return this.size >= this.capacity;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  push(item: T): void {
    if (this.closed) throw new Error('RecordBuffer: push after close');
    this.items.push(item);
    this.wakeConsumer();
  }

  /** Resolves immediately when not full, else once the consumer has drained below `resumeBelow`. */
  whenWritable(): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => this.writableWaiters.push(resolve));
  }

  /** No more pushes; `take` returns what is left, then empty arrays. */
  close(): void {
    this.closed = true;
    this.wakeConsumer();
    this.releaseWriters();
  }

  /**
   * Waits for up to `max` items: returns as soon as `max` are there, or `lingerMs` after the first item
   * arrived, or when the buffer is closed. Returns [] only when closed and empty.
   */
  async take(max: number, lingerMs: number): Promise<T[]> {
    while (this.size === 0) {
      if (this.closed) return [];
      await new Promise<void>((resolve) => (this.consumerWake = resolve));
    }
    if (this.size < max && !this.closed && lingerMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.consumerWake = undefined;
          resolve();
        }, lingerMs);
        const check = (): void => {
          if (this.size >= max || this.closed) {
            clearTimeout(timer);
            this.consumerWake = undefined;
            resolve();
          } else {
            this.consumerWake = check;
          }
        };
        this.consumerWake = check;
      });
    }
    return this.takeNow(max);
  }

  private takeNow(max: number): T[] {
    const count = Math.min(max, this.size);
    const batch = this.items.slice(this.head, this.head + count);
    this.head += count;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.size < this.resumeBelow) this.releaseWriters();
    return batch;
  }

  private wakeConsumer(): void {
    // A lingering consumer re-installs its check when it decides to keep waiting.
    const wake = this.consumerWake;
    this.consumerWake = undefined;
    wake?.();
  }

  private releaseWriters(): void {
    const waiters = this.writableWaiters;
    this.writableWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
