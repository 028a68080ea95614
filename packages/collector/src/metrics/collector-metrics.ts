import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The collector's Prometheus metrics, on a registry of its own so that several collectors can live in one process. */
export class CollectorMetrics {
  readonly registry = new Registry();
  readonly eventsIn = new Counter({ name: 'socle_collector_events_in_total', help: 'Raw records received, by input', labelNames: ['input'], registers: [this.registry] });
  readonly eventsOut = new Counter({ name: 'socle_collector_events_out_total', help: 'Events delivered to the output (or spooled), by input', labelNames: ['input'], registers: [this.registry] });
  readonly deadLetters = new Counter({ name: 'socle_collector_dlq_total', help: 'Records sent to the dead-letter queue, by input', labelNames: ['input'], registers: [this.registry] });
  readonly deadLettersByReason = new Counter({
    name: 'socle_collector_dead_letters_total',
    help: 'Records sent to the dead-letter queue, by input, stage (frame, parse, validate, output) and reason',
    labelNames: ['input', 'stage', 'reason'],
    registers: [this.registry],
  });
  readonly dropped = new Counter({ name: 'socle_collector_dropped_total', help: 'Records dropped because the buffer was full (UDP only), by input', labelNames: ['input'], registers: [this.registry] });
  readonly rejected = new Counter({ name: 'socle_collector_rejected_total', help: 'Requests or connections refused (HTTP 429/413/401, connection limit), by input and reason', labelNames: ['input', 'reason'], registers: [this.registry] });
  readonly bufferFill = new Gauge({ name: 'socle_collector_buffer_records', help: 'Records waiting in the in-memory buffer', registers: [this.registry] });
  readonly bufferCapacity = new Gauge({ name: 'socle_collector_buffer_capacity', help: 'Capacity of the in-memory buffer, in records', registers: [this.registry] });
  readonly outputErrors = new Counter({ name: 'socle_collector_output_errors_total', help: 'Failed sends to Kafka (each failed attempt; the runtime retries), by output', labelNames: ['output'], registers: [this.registry] });
  readonly spoolPendingBytes = new Gauge({ name: 'socle_collector_spool_pending_bytes', help: 'Bytes in the disk spool not yet replayed to the output', registers: [this.registry] });
  readonly produceLatency = new Histogram({
    name: 'socle_collector_produce_seconds',
    help: 'Time to deliver one batch to Kafka',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Value of a counter for one input, for tests and shutdown summaries. */
  async count(counter: Counter<'input'>, input: string): Promise<number> {
    const data = await counter.get();
    return data.values.find((v) => v.labels.input === input)?.value ?? 0;
  }
}
