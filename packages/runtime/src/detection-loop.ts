import type { Alert, SocleEvent } from '@socle/core';
import type { EventRef, EventSource } from './ports.ts';
import type { AlertSink } from '@socle/api';

/** The part of `@socle/core`'s Engine the loop drives; `flush` closes open correlation windows at end of stream. */
export interface DetectionEngine {
  process(event: SocleEvent, ref?: { id?: string }): Alert[];
  flush?(): Alert[];
  advanceWatermark?(timeMs: number): Alert[];
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
   * Told about an event the engine threw on; the loop goes on with the next event. Without it the error ends the
   * loop (the batch stays unacknowledged).
   */
  onEventError?: (error: unknown, ref: EventRef) => void;
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
}

const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 100, maxDelayMs: 10_000 };

/**
 * Pulls event batches from a source, runs the engine, writes the alerts to every sink and only then acknowledges
 * the batch. A sink failure is retried with backoff and the batch stays unacknowledged meanwhile, so a crash never
 * loses an alert; replays rewrite the same deterministic alert ids, which the sinks upsert.
 */
export class DetectionLoop {
  readonly stats: DetectionLoopStats = { batches: 0, events: 0, alerts: 0, sinkRetries: 0, eventErrors: 0 };

  constructor(private readonly options: DetectionLoopOptions) {}

  async run(): Promise<DetectionLoopStats> {
    const { source, engine } = this.options;
    for await (const batch of source) {
      if (batch.length === 0) continue;
      const alerts: Alert[] = [];
      for (const { event, ref } of batch) {
        try {
          alerts.push(...engine.process(event, ref));
        } catch (err) {
          if (!this.options.onEventError) throw err;
          this.stats.eventErrors++;
          this.options.onEventError(err, ref);
        }
      }
      await this.deliver(alerts);
      // Counted once their alerts are durable: a caller seeing `events` grow may query those alerts.
      this.stats.events += batch.length;
      await source.ack(batch[batch.length - 1].ref);
      this.stats.batches++;
      if (this.options.signal?.aborted) break;
    }
    if (this.options.flushAtEnd && engine.flush && !this.options.signal?.aborted) await this.deliver(engine.flush());
    return this.stats;
  }

  /**
   * Moves event time forward without an event (wall clock on an idle stream) and delivers what that closes:
   * absence rules and windows that would otherwise wait for the next event.
   */
  async advanceWatermark(timeMs: number): Promise<void> {
    const alerts = this.options.engine.advanceWatermark?.(timeMs) ?? [];
    await this.deliver(alerts);
  }

  private async deliver(alerts: Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    const retry = this.options.retry ?? DEFAULT_RETRY;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (const sink of this.options.sinks) {
      for (let attempt = 1; ; attempt++) {
        try {
          await sink.write(alerts);
          break;
        } catch (err) {
          if (this.options.signal?.aborted) throw new Error('detection loop stopped while an alert sink was failing', { cause: err });
          if (retry.maxAttempts !== undefined && attempt >= retry.maxAttempts) {
            throw new Error(`alert sink failed ${attempt} times; last error: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
          }
          const delay = Math.min(retry.initialDelayMs * 2 ** (attempt - 1), retry.maxDelayMs);
          this.stats.sinkRetries++;
          this.options.onSinkError?.(err, attempt, delay);
          await sleep(delay);
        }
      }
    }
    this.stats.alerts += alerts.length;
    this.options.onAlerts?.(alerts);
  }
}
