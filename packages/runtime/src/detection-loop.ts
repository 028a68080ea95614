import { errorMessage } from '@socle/core';
import type { Alert, SocleEvent } from '@socle/core';
import { isUnreadable, type SourcedEventRef, type EventSource } from './ports.ts';
import type { AlertSink } from '@socle/api';
import { evaluationRejection, rawOfEvent, type DeadLetter, type DeadLetterSink } from './dead-letters/dead-letter.ts';

/** The part of `@socle/core`'s Engine the loop drives; `flush` closes open correlation windows at end of stream. */
export interface DetectionEngine {
  process(event: SocleEvent, ref?: { id?: string }): Alert[];
  flush?(): Alert[];
  advanceWatermark?(timeMs: number): Alert[];
  /** The same for some partitions only (the distributed mode's engines). */
  advanceWatermarkOf?(partitions: readonly { topic: string; partition: number }[], timeMs: number): Alert[];
}

export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Give up (and fail the loop) after this many attempts; unlimited when absent. */
  maxAttempts?: number;
}

export interface DetectionLoopOptions {
  source: EventSource;
  engine: DetectionEngine;
  sinks: AlertSink[];
  retry?: RetryPolicy;
  /** Call `engine.flush()` when the source ends (replays); a live service stops without closing windows. */
  flushAtEnd?: boolean;
  /** Told about each failed sink write before the retry. */
  onSinkError?: (error: unknown, attempt: number, delayMs: number) => void;
  /**
   * Told about an event the engine threw on; the loop goes on with the next event. Without it and without
   * `deadLetters` the error ends the loop (the batch stays unacknowledged).
   */
  onEventError?: (error: unknown, ref: SourcedEventRef) => void;
  /**
   * Where records the source could not read and events the engine threw on go, with their raw bytes and the
   * reason; written (retried like the alert sinks) before the batch is acknowledged.
   */
  deadLetters?: DeadLetterSink;
  /** Told about each batch's dead letters once they are durable (or, without `deadLetters`, once found). */
  onDeadLetters?: (letters: DeadLetter[]) => void;
  /** Told about the alerts of each batch once they are durable. */
  onAlerts?: (alerts: Alert[]) => void;
  /** Stops retrying and ends the loop (the current batch stays unacknowledged). */
  signal?: AbortSignal;
  /** Waits between retries (injectable so tests need no real delays). */
  sleep?: (ms: number) => Promise<void>;
}

export interface DetectionLoopStats {
  batches: number;
  events: number;
  alerts: number;
  sinkRetries: number;
  eventErrors: number;
  deadLetters: number;
}

const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 100, maxDelayMs: 10_000 };

/**
 * Pulls event batches from a source, runs the engine, writes the alerts to every sink and only then acknowledges
 * the batch. A sink failure is retried with backoff and the batch stays unacknowledged meanwhile, so a crash never
 * loses an alert; replays rewrite the same deterministic alert ids, which the sinks upsert.
 */
export class DetectionLoop {
  readonly stats: DetectionLoopStats = { batches: 0, events: 0, alerts: 0, sinkRetries: 0, eventErrors: 0, deadLetters: 0 };
  /** Settles when the batch being handled is acknowledged; undefined between batches. */
  private busy?: Promise<void>;
  /** Settles when the exclusive task running between batches ends. */
  private gate?: Promise<void>;

  constructor(private readonly options: DetectionLoopOptions) {}

  async run(): Promise<DetectionLoopStats> {
    const { source, engine } = this.options;
    for await (const batch of source) {
      if (batch.length === 0) continue;
      while (this.gate) await this.gate;
      let release!: () => void;
      this.busy = new Promise<void>((r) => (release = r));
      try {
        const alerts: Alert[] = [];
        const letters: DeadLetter[] = [];
        const at = new Date().toISOString();
        for (const item of batch) {
          if (isUnreadable(item)) {
            letters.push({ ...item.rejected, ref: item.ref.id, raw: item.raw, at });
            continue;
          }
          try {
            alerts.push(...engine.process(item.event, item.ref));
          } catch (err) {
            if (!this.options.onEventError && !this.options.deadLetters) throw err;
            this.stats.eventErrors++;
            this.options.onEventError?.(err, item.ref);
            letters.push({ ...evaluationRejection(err), ref: item.ref.id, raw: item.raw ?? rawOfEvent(item.event, { input: item.ref.id }), at });
          }
        }
        await this.deliver(alerts);
        await this.deliverDeadLetters(letters);
        // Counted once their alerts are durable: a caller seeing `events` grow may query those alerts.
        this.stats.events += batch.length;
        await source.ack(batch[batch.length - 1].ref);
        this.stats.batches++;
      } finally {
        this.busy = undefined;
        release();
      }
      if (this.options.signal?.aborted) break;
    }
    if (this.options.flushAtEnd && engine.flush && !this.options.signal?.aborted) await this.deliver(engine.flush());
    return this.stats;
  }

  /**
   * Runs `task` between two batches: it waits for the batch in hand to be acknowledged, and no batch starts until
   * it ends. For work that must see the engines at a batch boundary (a checkpoint, a wall-clock watermark).
   */
  async exclusive<T>(task: () => Promise<T>): Promise<T> {
    while (this.busy || this.gate) await (this.busy ?? this.gate);
    let release!: () => void;
    this.gate = new Promise<void>((r) => (release = r));
    try {
      return await task();
    } finally {
      this.gate = undefined;
      release();
    }
  }

  /**
   * Moves event time forward without an event (wall clock on an idle stream) and delivers what that closes:
   * absence rules and windows that would otherwise wait for the next event.
   */
  async advanceWatermark(timeMs: number): Promise<void> {
    const alerts = this.options.engine.advanceWatermark?.(timeMs) ?? [];
    await this.deliver(alerts);
  }

  /** `advanceWatermark` for some partitions only; call it inside `exclusive` (the engines change state). */
  async advanceWatermarkOf(partitions: readonly { topic: string; partition: number }[], timeMs: number): Promise<void> {
    const alerts = this.options.engine.advanceWatermarkOf?.(partitions, timeMs) ?? [];
    await this.deliver(alerts);
  }

  private async deliverDeadLetters(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const sink = this.options.deadLetters;
    if (sink) await this.retried(() => sink.write(letters));
    this.stats.deadLetters += letters.length;
    this.options.onDeadLetters?.(letters);
  }

  private async deliver(alerts: Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    for (const sink of this.options.sinks) await this.retried(() => sink.write(alerts));
    this.stats.alerts += alerts.length;
    this.options.onAlerts?.(alerts);
  }

  /** Runs a durable write until it goes through, with exponential backoff (see `retry`). */
  private async retried(write: () => Promise<void>): Promise<void> {
    const retry = this.options.retry ?? DEFAULT_RETRY;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        if (this.options.signal?.aborted) throw new Error('detection loop stopped while an alert sink was failing', { cause: err });
        if (retry.maxAttempts !== undefined && attempt >= retry.maxAttempts) {
          throw new Error(`alert sink failed ${attempt} times; last error: ${errorMessage(err)}`, { cause: err });
        }
        const delay = Math.min(retry.initialDelayMs * 2 ** (attempt - 1), retry.maxDelayMs);
        this.stats.sinkRetries++;
        this.options.onSinkError?.(err, attempt, delay);
        await sleep(delay);
      }
    }
  }
}
