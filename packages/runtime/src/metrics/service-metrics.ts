import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The worker's Prometheus metrics, in their own registry (tests and several workers in one process never clash). */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly eventsConsumed = new Counter({ name: 'socle_events_consumed_total', help: 'Events read from Kafka', labelNames: ['topic'], registers: [this.registry] });
  readonly consumerLag = new Gauge({ name: 'socle_consumer_lag', help: 'Messages behind the partition end at the last fetch', labelNames: ['topic', 'partition'], registers: [this.registry] });
  readonly alerts = new Counter({ name: 'socle_alerts_total', help: 'Alerts made durable', labelNames: ['rule', 'severity'], registers: [this.registry] });
  readonly evaluationSeconds = new Histogram({
    name: 'socle_rule_evaluation_seconds',
    help: 'Engine time per batch (detection and correlation)',
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly stateKeys = new Gauge({ name: 'socle_engine_state_keys', help: 'Correlation keys held by the engines of the assigned partitions', registers: [this.registry] });
  readonly lateEvents = new Gauge({ name: 'socle_late_events_dropped', help: 'Events dropped as too late by the engines of the assigned partitions (since assignment)', registers: [this.registry] });
  readonly assignedPartitions = new Gauge({ name: 'socle_assigned_partitions', help: 'Partitions this worker owns', registers: [this.registry] });
  readonly bulkSeconds = new Histogram({ name: 'socle_es_bulk_seconds', help: 'Elasticsearch bulk request latency', buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10], registers: [this.registry] });
  readonly bulkErrors = new Counter({ name: 'socle_es_bulk_errors_total', help: 'Failed Elasticsearch bulk requests or refused items', labelNames: ['kind'], registers: [this.registry] });
  readonly checkpoints = new Counter({ name: 'socle_checkpoints_total', help: 'Engine checkpoints written', registers: [this.registry] });
  readonly checkpointBytes = new Gauge({ name: 'socle_checkpoint_bytes', help: 'Size of the last checkpoint per partition', labelNames: ['topic', 'partition'], registers: [this.registry] });
  readonly deadLetters = new Counter({ name: 'socle_dead_letters_total', help: 'Records dead-lettered, by the stage that gave up and why', labelNames: ['stage', 'reason'], registers: [this.registry] });
  readonly checkpointsUnreadable = new Counter({ name: 'socle_checkpoints_unreadable_total', help: 'Checkpoints that could not be restored (an older one or the unreadable policy was used)', labelNames: ['topic', 'partition'], registers: [this.registry] });
  readonly stalledPartitions = new Gauge({ name: 'socle_stalled_partitions', help: 'Owned partitions with input waiting that have not advanced for health.stallAfterMs', registers: [this.registry] });
  readonly sinkRetries = new Counter({ name: 'socle_sink_retries_total', help: 'Batches whose alert delivery was retried', registers: [this.registry] });

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry, prefix: 'socle_' });
  }
}
