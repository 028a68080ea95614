import { errorMessage, type Logger } from '@socle/core';
import type { CollectorMetrics } from '../metrics/collector-metrics.ts';
import { toStored, type OutboundRecord } from '../delivery/outbound.ts';
import type { DiskSpool, SpoolPosition } from './disk-spool.ts';
import type { Output } from './output.ts';

export interface SpooledOutputOptions {
  /** A direct send slower than this is considered failed and the batch goes to disk (it may then arrive twice). */
  directTimeoutMs: number;
  replayBatchSize: number;
  retryDelayMs: number;
  logger?: Logger;
}

/**
 * Puts a disk spool in front of an output. While the output works and the spool is empty, batches go straight
 * through. When a send fails, that batch and every later one are appended to the spool (fsync'd, then
 * acknowledged), and a replayer sends the spool to the output in order, switching back to direct sends once
 * it has caught up. Nothing acknowledged is lost; a batch may be delivered twice around a failure.
 */
export class SpooledOutput implements Output {
  readonly name: string;
  private replaying: Promise<void> | undefined;
  private appendsInFlight = 0;
  private closing = false;
  private replayBackoff: { timer: NodeJS.Timeout; wake: () => void } | undefined;

  constructor(
    private readonly inner: Output,
    private readonly spool: DiskSpool,
    private readonly options: SpooledOutputOptions,
    private readonly metrics: CollectorMetrics,
  ) {
    this.name = inner.name;
  }

  async start(): Promise<void> {
    await this.inner.start();
    this.metrics.spoolPendingBytes.set(this.spool.pendingBytes);
    if (!this.spool.isEmpty) this.startReplay();
  }

  async send(batch: OutboundRecord[]): Promise<void> {
    if (this.replaying === undefined && this.spool.isEmpty) {
      try {
        await withTimeout(this.inner.send(batch), this.options.directTimeoutMs);
        return;
      } catch (error) {
        this.options.logger?.warn('output failed; spooling to disk', { output: this.name, spool: this.spool.dir, error: errorMessage(error) });
      }
    }
    this.appendsInFlight++;
    try {
      await this.spool.append(batch.map(toStored));
    } finally {
      this.appendsInFlight--;
    }
    this.metrics.spoolPendingBytes.set(this.spool.pendingBytes);
    this.startReplay();
  }

  /** Tries to empty the spool within `timeoutMs`; what remains stays on disk for the next start. */
  async flush(timeoutMs: number): Promise<void> {
    if (!this.replaying) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.replaying, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.replayBackoff) {
      clearTimeout(this.replayBackoff.timer);
      this.replayBackoff.wake();
    }
    await this.replaying;
    await this.spool.close();
    await this.inner.close();
  }

  private startReplay(): void {
    this.replaying ??= this.replay().finally(() => (this.replaying = undefined));
  }

  private async replay(): Promise<void> {
    let position: SpoolPosition = this.spool.committed;
    let delay = this.options.retryDelayMs;
    while (!this.closing) {
      const { records, next } = await this.spool.read(position, this.options.replayBatchSize);
      if (records.length === 0) {
        if (this.appendsInFlight === 0) return;
        await this.sleep(5);
        continue;
      }
      try {
        await this.inner.send(records as OutboundRecord[]);
      } catch (error) {
        this.options.logger?.warn('spool replay failed, retrying', { output: this.name, retryInMs: delay, error: errorMessage(error) });
        await this.sleep(delay);
        delay = Math.min(delay * 2, 5000);
        continue;
      }
      delay = this.options.retryDelayMs;
      await this.spool.commit(next);
      position = next;
      this.metrics.spoolPendingBytes.set(this.spool.pendingBytes);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.replayBackoff = undefined;
        resolve();
      }, ms);
      this.replayBackoff = { timer, wake: resolve };
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
