/**
 * Pushes shared bundles upward. `accept` signs a bundle and puts it in the outbox (durable before it resolves);
 * `deliverDue` sends every pending bundle whose retry time has come, and acknowledges it in the outbox only once the
 * endpoint accepted it. A failed send is retried with exponential backoff (doubling from `initialBackoffMs` to
 * `maxBackoffMs`). Nothing accepted is lost while the endpoint is down; nothing is sent again after its ack; and since
 * bundle and object ids are deterministic, a resend after a crash between delivery and ack is a no-op upstream.
 */
import type { Outbox, OutboxEntry } from './outbox.ts';
import { signBundle, type Destination, type SigningKey, type StixBundle } from './signed-bundle.ts';
import { postSigned, RejectedByEndpoint, type UpstreamEndpoint } from './upstream-endpoint.ts';

export interface ForwarderOptions {
  endpoint: UpstreamEndpoint;
  signingKey: SigningKey;
  outbox: Outbox;
  /** Epoch ms; injectable so tests control the backoff. */
  now?: () => number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface DeliveryReport {
  delivered: string[];
  failed: { id: string; error: string; retryAt: string; permanent: boolean }[];
  pending: number;
}

interface RetryState {
  attempts: number;
  nextAttemptAt: number;
}

export class Forwarder {
  private readonly retries = new Map<string, RetryState>();
  private readonly now: () => number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly options: ForwarderOptions) {
    this.now = options.now ?? Date.now;
    this.initialBackoffMs = options.initialBackoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 300_000;
  }

  /**
   * Signs the bundle for its destination (collection and organisation) and stores it; false when the same bundle is
   * already pending.
   */
  async accept(bundle: StixBundle, destination: Destination): Promise<boolean> {
    const { keyId, signature } = signBundle(bundle, destination, this.options.signingKey);
    return this.options.outbox.put({ id: bundle.id, acceptedAt: new Date(this.now()).toISOString(), body: bundle, destination, keyId, signature });
  }

  /** One pass over the outbox, oldest first. */
  async deliverDue(): Promise<DeliveryReport> {
    const report: DeliveryReport = { delivered: [], failed: [], pending: 0 };
    for (const entry of this.options.outbox.pending()) {
      const retry = this.retries.get(entry.id);
      if (retry && retry.nextAttemptAt > this.now()) continue;
      try {
        await this.send(entry);
        await this.options.outbox.ack(entry.id);
        this.retries.delete(entry.id);
        report.delivered.push(entry.id);
      } catch (err) {
        const attempts = (retry?.attempts ?? 0) + 1;
        const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (attempts - 1));
        const nextAttemptAt = this.now() + delay;
        this.retries.set(entry.id, { attempts, nextAttemptAt });
        const error = err instanceof Error ? (err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message) : String(err);
        report.failed.push({ id: entry.id, error, retryAt: new Date(nextAttemptAt).toISOString(), permanent: err instanceof RejectedByEndpoint });
      }
    }
    report.pending = this.options.outbox.pending().length;
    return report;
  }

  /** Epoch ms of the next retry, or undefined when nothing waits for one. */
  nextRetryAt(): number | undefined {
    const times = this.options.outbox.pending().map((e) => this.retries.get(e.id)?.nextAttemptAt ?? this.now());
    return times.length ? Math.min(...times) : undefined;
  }

  private async send(entry: OutboxEntry): Promise<void> {
    await postSigned(this.options.endpoint, entry);
  }
}
