import { errorMessage, type Logger } from '@socle/core';
import type { Output } from '../outputs/output.ts';
import type { CollectorMetrics } from '../metrics/collector-metrics.ts';
import { deadLetter } from '../parsers/dead-letter.ts';
import type { DeadLetterFn } from './intake.ts';
import type { OutboundRecord } from './outbound.ts';
import type { RecordBuffer } from './record-buffer.ts';

export interface DeliveryOptions {
  batchSize: number;
  lingerMs: number;
  /**
   * Batches sent before the oldest is acknowledged (default 1). With 2, the next batch is taken, serialised and
   * routed while the output waits for the broker; batches are still acknowledged in the order they were taken.
   */
  inFlight?: number;
  /** First retry delay after a failed send; doubles up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Builds the dead letter of a record the output cannot write (default: the parsers' `deadLetter`). */
  deadLetter?: DeadLetterFn;
  logger?: Logger;
}

/**
 * Drains the buffer into the output, up to `inFlight` batches at a time, acknowledging them in order, retrying a
 * failed batch until it is delivered (the buffer fills meanwhile, which is what pauses the inputs). Acknowledges records once delivered.
 * A record that no output could ever write (no JSON text: nested too deep, a cycle) would fail every retry and
 * wedge the stream: after a failed send, such records are replaced by dead letters and the batch goes again.
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
    const inFlight = Math.max(1, this.options.inFlight ?? 1);
    // One promise per batch sent, true once it and every batch before it are delivered and acknowledged.
    const acknowledged: Promise<boolean>[] = [];
    let previous: Promise<boolean> = Promise.resolve(true);
    for (;;) {
      while (acknowledged.length >= inFlight) if (!(await acknowledged.shift()!)) return;
      const batch = await this.buffer.take(batchSize, lingerMs);
      this.metrics.bufferFill.set(this.buffer.size);
      if (batch.length === 0) break;
      const sent = this.sendUntilDelivered(batch);
      const before = previous;
      previous = (async () => {
        if (!(await before) || !(await sent)) return false;
        this.acknowledge(batch);
        return true;
      })();
      acknowledged.push(previous);
    }
    for (const done of acknowledged) if (!(await done)) return;
  }

  private async sendUntilDelivered(batch: OutboundRecord[]): Promise<boolean> {
    let delay = this.options.retryDelayMs ?? 100;
    for (;;) {
      try {
        await this.output.send(batch);
        return true;
      } catch (error) {
        if (this.abandoned) return false;
        if (this.setAsideUnwritable(batch)) continue;
        this.options.logger?.warn('batch not delivered, retrying', { output: this.output.name, records: batch.length, retryInMs: delay, error: errorMessage(error) });
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (this.abandoned) return false;
        delay = Math.min(delay * 2, this.options.maxRetryDelayMs ?? 5000);
      }
    }
  }

  /**
   * Replaces, in place, each record of the batch that has no JSON text by a dead letter saying why (same input
   * and acknowledgement). True when there was one: the send failed for the data, not the output.
   */
  private setAsideUnwritable(batch: OutboundRecord[]): boolean {
    let found = false;
    for (let i = 0; i < batch.length; i++) {
      const record = batch[i];
      const problem = jsonProblem(record.kind === 'event' ? record.event : record.letter);
      if (problem === undefined) continue;
      found = true;
      const payload = record.kind === 'event' ? record.event : record.letter;
      const ctx = { organization: organizationOf(payload), input: record.input, receivedAt: new Date().toISOString() };
      const error = `output ${this.output.name}: the ${record.kind === 'event' ? 'event' : 'dead letter'} cannot be written as JSON: ${problem}`;
      let letter = (this.options.deadLetter ?? deadLetter)(originalOf(payload), ctx, error, undefined, 'unserialisable');
      // A dead letter that cannot be written either: the bare facts, which always can.
      if (jsonProblem(letter) !== undefined) letter = { error: { message: error, type: 'unserialisable' }, socle: { input: record.input, stage: 'output' } };
      batch[i] = { kind: 'dead', input: record.input, letter, ack: record.ack };
      this.metrics.deadLetters.labels(record.input).inc();
      this.metrics.deadLettersByReason.labels(record.input, 'output', 'unserialisable').inc();
      this.options.logger?.warn('record sent to the dead-letter queue', { input: record.input, error });
    }
    return found;
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

/** Why `JSON.stringify` refuses the value, or undefined when it writes it. */
function jsonProblem(value: unknown): string | undefined {
  try {
    JSON.stringify(value);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** `event.original` (the raw record, as the parsers keep it), else empty. */
function originalOf(payload: Record<string, unknown>): string {
  const event = payload.event;
  const original = typeof event === 'object' && event !== null ? (event as Record<string, unknown>).original : undefined;
  return typeof original === 'string' ? original : '';
}

function organizationOf(payload: Record<string, unknown>): string {
  const organization = payload.organization;
  const id = typeof organization === 'object' && organization !== null ? (organization as Record<string, unknown>).id : undefined;
  return typeof id === 'string' ? id : 'unknown';
}
