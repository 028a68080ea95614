import { errorMessage } from '@socle/core';
import type { Output } from '../outputs/output.ts';
import type { CollectorMetrics } from '../metrics/collector-metrics.ts';
import type { OutboundRecord } from './outbound.ts';
import type { RecordBuffer } from './record-buffer.ts';

export interface DeliveryOptions {
  batchSize: number;
  lingerMs: number;
  /** First retry delay after a failed send; doubles up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  log?: (message: string) => void;
}

/**
 * Drains the buffer into the output one batch at a time, in order, retrying a failed batch until it is
 * delivered (the buffer fills meanwhile, which is what pauses the inputs). Acknowledges records once delivered.
 */
export class DeliveryLoop {
  private running: Promise<void> | undefined;
  private abandoned = false;

  constructor(
    private readonly buffer: RecordBuffer<OutboundRecord>,
    private readonly output: Output,
    private readonly metrics: CollectorMetrics,
    private readonly options: DeliveryOptions,
  ) {}

  start(): void {
    this.running ??= this.run();
  }

  /** Closes the buffer and waits until everything in it is delivered, or `timeoutMs` passed (then gives up). */
  async drain(timeoutMs: number): Promise<{ delivered: boolean }> {
    this.buffer.close();
    this.start();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([this.running!.then(() => 'done' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.abandoned = true;
      return { delivered: false };
    }
    return { delivered: true };
  }

  private async run(): Promise<void> {
    const { batchSize, lingerMs } = this.options;
    for (;;) {
      const batch = await this.buffer.take(batchSize, lingerMs);
      this.metrics.bufferFill.set(this.buffer.size);
      if (batch.length === 0) return;
      if (!(await this.sendUntilDelivered(batch))) return;
      this.acknowledge(batch);
    }
  }

  private async sendUntilDelivered(batch: OutboundRecord[]): Promise<boolean> {
    let delay = this.options.retryDelayMs ?? 100;
    for (;;) {
      try {
        await this.output.send(batch);
        return true;
      } catch (error) {
        if (this.abandoned) return false;
        this.options.log?.(`output ${this.output.name}: batch of ${batch.length} not delivered, retrying in ${delay} ms: ${errorMessage(error)}`);
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (this.abandoned) return false;
        delay = Math.min(delay * 2, this.options.maxRetryDelayMs ?? 5000);
      }
    }
  }

  private acknowledge(batch: OutboundRecord[]): void {
    const outByInput = new Map<string, number>();
    for (const record of batch) {
      record.ack?.deliver();
      if (record.kind === 'event') outByInput.set(record.input, (outByInput.get(record.input) ?? 0) + 1);
    }
    for (const [input, count] of outByInput) this.metrics.eventsOut.labels(input).inc(count);
  }
}
