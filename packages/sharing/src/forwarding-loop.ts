/**
 * Keeps a forwarder delivering in a long-running service: a pass over the outbox, then a wait until the next
 * retry is due (or `idleMs` when nothing is pending; `wake()` cuts the wait short after new bundles were accepted).
 */
import type { DeliveryReport, Forwarder } from './forwarder.ts';

export interface ForwardingLoopOptions {
  /** How long to wait when the outbox is empty, unless woken. Default 60 s. */
  idleMs?: number;
  onReport?: (report: DeliveryReport) => void;
  onError?: (err: unknown) => void;
}

export class ForwardingLoop {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly forwarder: Forwarder,
    private readonly options: ForwardingLoopOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Deliver now (after `accept`), instead of at the next scheduled pass. */
  wake(): void {
    if (!this.stopped && !this.running) this.schedule(0);
  }

  /** Stops scheduling and waits for a pass under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), Math.max(0, delayMs));
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    this.running = (async () => {
      try {
        this.options.onReport?.(await this.forwarder.deliverDue());
      } catch (err) {
        this.options.onError?.(err);
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.stopped) return;
    const next = this.forwarder.nextRetryAt();
    this.schedule(next === undefined ? (this.options.idleMs ?? 60_000) : next - Date.now());
  }
}
