import { Client } from '@elastic/elasticsearch';
import { createEngine, type Alert, type Engine, type EngineOptions, errorMessage } from '@socle/core';
import { Kafka, logLevel, type Admin, type SASLOptions } from 'kafkajs';
import { registerKafkaCodecs } from '@socle/collector';
import { DetectionLoop, type DetectionEngine, type DetectionLoopStats } from '../detection-loop.ts';
import { RuleSetReloader, type ReloadResult } from '../reload/rule-set-reloader.ts';
import { readRuleSet, type RuleSetSources } from '../reload/rule-set-sources.ts';
import { RuleSourceWatch } from '../reload/rule-source-watch.ts';
import { alertFields } from '@socle/api';
import { parseListenAddress } from '@socle/collector';
import { ServiceMetrics } from '../metrics/service-metrics.ts';
import { startMetricsServer, type RunningMetricsServer } from '../metrics/metrics-server.ts';
import { deleteExpiredAlertIndices, scheduleRetention } from './alert-retention.ts';
import { CheckpointStore } from './checkpoint-store.ts';
import { ElasticsearchAlertSink } from './elasticsearch-alert-sink.ts';
import type { JsonLogger } from './json-logger.ts';
import { KafkaAlertSink } from './kafka-alert-sink.ts';
import { KafkaDeadLetterSink } from '../dead-letters/kafka-dead-letter-sink.ts';
import { DeadLetterCounts, type DeadLetter } from '../dead-letters/dead-letter.ts';
import { KafkaEventSource } from './kafka-event-source.ts';
import { PartitionEngines } from './partition-engines.ts';
import type { ServiceConfig } from './service-config.ts';

export interface WorkerOptions {
  config: ServiceConfig;
  logger: JsonLogger;
  /** Serve /metrics, /healthz, /readyz on `config.metrics.listen` (tests turn it off). */
  serveMetrics?: boolean;
  /** Run the retention schedule (tests turn it off). */
  retention?: boolean;
  /** Told about alerts once durable in Kafka and Elasticsearch. */
  onAlerts?: (alerts: Alert[]) => void;
  /** Watch the rule files and reload on change when `config.reload.watch` (tests may turn it off). Default true. */
  watchRules?: boolean;
}

/**
 * The distributed correlation worker: Kafka event topics → one engine per partition → the alerts topic and
 * Elasticsearch, with engine checkpoints in a compacted topic. `start` returns once the consumer runs; `stop`
 * shuts down gracefully (stop consuming, finish the batch in flight, checkpoint, commit, disconnect).
 */
export class CorrelationWorker {
  readonly metrics = new ServiceMetrics();
  private readonly controller = new AbortController();
  private readonly kafka: Kafka;
  private readonly es: Client;
  private admin?: Admin;
  private source?: KafkaEventSource;
  private alertTopic?: KafkaAlertSink;
  private deadLetterTopic?: KafkaDeadLetterSink;
  private readonly deadLetterCounts = new DeadLetterCounts();
  private loopFailure?: string;
  private ticker?: ReturnType<typeof setInterval>;
  private checkpoints?: CheckpointStore;
  private loop?: DetectionLoop;
  private running?: Promise<DetectionLoopStats>;
  private metricsServer?: RunningMetricsServer;
  private stopRetention?: () => void;
  private esHealthy = true;
  private stopped?: Promise<void>;
  private reloader?: RuleSetReloader;
  private watch?: RuleSourceWatch;

  constructor(private readonly options: WorkerOptions) {
    const { kafka, elasticsearch } = options.config;
    registerKafkaCodecs(); // reads topics the collector may write with lz4
    this.kafka = new Kafka({
      clientId: kafka.clientId,
      brokers: kafka.brokers,
      ssl: kafka.ssl,
      ...(kafka.sasl ? { sasl: kafka.sasl as SASLOptions } : {}),
      logLevel: logLevel.NOTHING,
    });
    this.es = new Client({
      node: elasticsearch.url,
      requestTimeout: elasticsearch.requestTimeoutMs,
      maxRetries: 0, // the sink retries with backoff itself
      ...(elasticsearch.apiKey ? { auth: { apiKey: elasticsearch.apiKey } } : elasticsearch.username ? { auth: { username: elasticsearch.username, password: elasticsearch.password ?? '' } } : {}),
    });
  }

  /** The Elasticsearch client (for the alert store and retention). */
  get elasticsearch(): Client {
    return this.es;
  }

  /**
   * `/readyz`: the consumer is in its group, Elasticsearch takes writes, the detection loop runs, and no owned
   * partition with input waiting has stood still for `health.stallAfterMs`.
   */
  get ready(): boolean {
    return (this.source?.isReady ?? false) && this.esHealthy && this.loopFailure === undefined && this.stalledPartitions() === 0;
  }

  private stalledPartitions(): number {
    return this.source?.partitionHealth(this.options.config.health.stallAfterMs).filter((p) => p.stalled).length ?? 0;
  }

  /** What `/healthz` and `/readyz` report besides their status. */
  health(): Record<string, unknown> {
    return {
      ...this.loop?.stats,
      consumer: this.source?.isReady ? 'in group' : 'not in group',
      elasticsearch: this.esHealthy ? 'up' : 'failing',
      loop: this.loopFailure ? `failed: ${this.loopFailure}` : 'running',
      deadLetters: this.deadLetterCounts.toJSON(),
      partitions: this.source?.partitionHealth(this.options.config.health.stallAfterMs) ?? [],
    };
  }

  async start(): Promise<void> {
    const { config, logger } = this.options;
    const sources: RuleSetSources = { rules: config.rules, pipelines: config.pipelines };
    const build = (set: Pick<EngineOptions, 'rules' | 'pipelines' | 'placeholders'>): Engine =>
      createEngine({ ...set, ...config.tenancy, timestampField: config.engine.timestampField, includeEvent: config.engine.includeEvent });
    const set = await readRuleSet(sources);
    const engines = new PartitionEngines(build(set));
    const probe = engines.current;
    for (const r of probe.rejected) logger.warn('rule rejected', { file: r.file, rule: r.id, title: r.title, reason: r.reason });
    if (probe.loaded.length === 0) throw new Error('no rule loaded; check rules and pipelines in the configuration');
    logger.info('rules loaded', { loaded: probe.loaded.length, rejected: probe.rejected.length });
    this.reloader = new RuleSetReloader({ sources, target: engines, build, logger });

    const m = this.metrics;
    this.admin = this.kafka.admin();
    await this.admin.connect();
    this.checkpoints = new CheckpointStore(this.kafka, config.kafka.topics.state, config.kafka.group, config.checkpoint.keep);
    await this.checkpoints.ensureTopic(this.admin);
    await this.checkpoints.connect();
    this.deadLetterTopic = new KafkaDeadLetterSink(this.kafka, config.kafka.topics.deadLetters);
    await this.deadLetterTopic.ensureTopic(this.admin);
    await this.deadLetterTopic.connect();
    const onDeadLetters = (letters: DeadLetter[]): void => this.countDeadLetters(letters);
    this.alertTopic = new KafkaAlertSink(this.kafka, config.kafka.topics.alerts, { deadLetters: this.deadLetterTopic, onDeadLetters });
    await this.alertTopic.ensureTopic(this.admin, logger);
    await this.alertTopic.connect();

    const esSink = new ElasticsearchAlertSink({
      client: this.es,
      indexPrefix: config.elasticsearch.indexPrefix,
      organization: config.organization,
      attempts: config.elasticsearch.bulkAttempts,
      onBulk: (seconds, failed) => {
        m.bulkSeconds.observe(seconds);
        if (failed > 0) m.bulkErrors.inc({ kind: 'retryable' }, 1);
      },
      onRetry: (reason, attempt, delayMs) => {
        this.esHealthy = false;
        logger.warn('elasticsearch bulk retry', { attempt, delayMs, reason });
      },
      onRejected: (alertId, index, reason) => {
        m.bulkErrors.inc({ kind: 'rejected' });
        logger.error('elasticsearch refused an alert (it stays in the alerts topic)', { alertId, index, reason });
      },
    });
    await this.retryUntilStopped('install the alert index template', () => esSink.installTemplate());

    const source = new KafkaEventSource({
      kafka: this.kafka,
      admin: this.admin,
      group: config.kafka.group,
      topics: config.kafka.topics.events,
      fromBeginning: config.kafka.fromBeginning,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      engines,
      checkpoints: this.checkpoints,
      checkpointIntervalMs: config.checkpoint.intervalMs,
      checkpointEveryEvents: config.checkpoint.everyEvents,
      maxEventBytes: config.kafka.maxEventBytes,
      unreadableCheckpoints: config.checkpoint.onUnreadable,
      onCheckpointUnreadable: (topic, partition) => m.checkpointsUnreadable.inc({ topic, partition: String(partition) }),
      logger,
      onBatch: (topic, partition, messages, lag) => {
        m.eventsConsumed.inc({ topic }, messages);
        m.consumerLag.set({ topic, partition: String(partition) }, lag);
      },
      onCheckpoint: (c, bytes) => {
        m.checkpoints.inc();
        m.checkpointBytes.set({ topic: c.topic, partition: String(c.partition) }, bytes);
      },
      onAssignment: (n) => m.assignedPartitions.set(n),
    });
    this.source = source;

    const engine = this.measured(engines);
    this.loop = new DetectionLoop({
      source,
      engine,
      // Kafka first: an alert Elasticsearch refuses for good is still in the alerts topic.
      sinks: [this.alertTopic, esSink],
      deadLetters: this.deadLetterTopic,
      onDeadLetters,
      retry: { initialDelayMs: 500, maxDelayMs: 10_000 },
      signal: this.controller.signal,
      onSinkError: (err, attempt, delayMs) => {
        m.sinkRetries.inc();
        source.pause();
        logger.warn('alert delivery failed; retrying', { attempt, delayMs, error: errorMessage(err) });
      },
      onAlerts: (alerts) => {
        this.esHealthy = true;
        source.resume();
        for (const a of alerts) {
          const f = alertFields(a);
          m.alerts.inc({ rule: f.rule, severity: f.level });
        }
        this.options.onAlerts?.(alerts);
      },
    });
    this.running = this.loop.run();
    this.running.catch((err: unknown) => {
      this.loopFailure = errorMessage(err);
      logger.error('detection loop failed', { error: this.loopFailure });
    });
    this.startTicker(source);

    if (this.options.serveMetrics !== false) {
      const { host, port } = parseListenAddress(config.metrics.listen);
      this.metricsServer = await startMetricsServer(
        {
          registry: m.registry,
          ready: () => this.ready,
          status: () => this.health(),
        },
        host,
        port,
      );
      logger.info('metrics listening', { url: this.metricsServer.url });
    }
    if (this.options.retention !== false) {
      this.stopRetention = scheduleRetention(config.retention.schedule, async () => {
        try {
          const deleted = await deleteExpiredAlertIndices(this.es, config.elasticsearch.indexPrefix, config.retention.days);
          logger.info('retention ran', { deleted, days: config.retention.days });
        } catch (err) {
          logger.error('retention failed', { error: errorMessage(err) });
        }
      });
    }
    await source.start();
    if (config.reload.watch && this.options.watchRules !== false) await this.watchRuleSources(sources);
    logger.info('worker started', { group: config.kafka.group, topics: config.kafka.topics.events });
  }

  private countDeadLetters(letters: DeadLetter[]): void {
    this.deadLetterCounts.add(letters);
    for (const l of letters) {
      this.metrics.deadLetters.inc({ stage: l.stage, reason: l.reason });
      this.options.logger.warn('dead-lettered', { stage: l.stage, reason: l.reason, ref: l.ref, error: l.message.slice(0, 500), topic: this.options.config.kafka.topics.deadLetters });
    }
  }

  /**
   * Work on time rather than on batches, between two batches: checkpoint and commit partitions that moved but
   * got no new batch for `checkpoint.intervalMs` (caught up or idle), advance the event time of caught-up
   * partitions with the wall clock every `watermark.idleAdvanceMs`, refresh the lag and stall gauges.
   */
  private startTicker(source: KafkaEventSource): void {
    const { checkpoint, watermark, health } = this.options.config;
    const idleAdvanceMs = watermark.idleAdvanceMs;
    const tickMs = Math.max(50, Math.floor(Math.min(checkpoint.intervalMs, idleAdvanceMs > 0 ? idleAdvanceMs : Infinity) / 2));
    let lastAdvance = Date.now();
    let ticking = false;
    this.ticker = setInterval(() => {
      // Gauges first: a failing sink holds the loop (and the exclusive task below) for as long as it fails.
      const partitions = source.partitionHealth(health.stallAfterMs);
      for (const p of partitions) if (p.lag !== undefined) this.metrics.consumerLag.set({ topic: p.topic, partition: String(p.partition) }, p.lag);
      this.metrics.stalledPartitions.set(partitions.filter((p) => p.stalled).length);
      if (ticking || !this.loop) return;
      ticking = true;
      const loop = this.loop;
      loop
        .exclusive(async () => {
          if (idleAdvanceMs > 0 && Date.now() - lastAdvance >= idleAdvanceMs) {
            lastAdvance = Date.now();
            await source.openQuietPartitions();
            const idle = source.caughtUpPartitions();
            if (idle.length > 0) await loop.advanceWatermarkOf(idle, Date.now());
          }
          await source.checkpointIdle();
        })
        .catch((err: unknown) => this.options.logger.warn('periodic checkpoint or watermark failed', { error: err instanceof Error ? err.message : String(err) }))
        .finally(() => (ticking = false));
    }, tickMs);
    this.ticker.unref();
  }

  /**
   * Reloads the rule set on every assigned partition (the running set stays if the new one is broken); a swap
   * lands between two batches, and the next checkpoint holds the carried state.
   */
  reloadRules(trigger = 'admin'): Promise<ReloadResult> {
    if (!this.reloader) return Promise.reject(new Error('the worker is not started'));
    return this.reloader.reload(trigger);
  }

  /** Rule folders and files, plus pipelines given as paths (shipped pipelines do not change). */
  private async watchRuleSources(sources: RuleSetSources): Promise<void> {
    const { config, logger } = this.options;
    this.watch = new RuleSourceWatch({
      paths: [...sources.rules, ...sources.pipelines.filter((p) => /[\\/]/.test(p))],
      debounceMs: config.reload.debounceMs,
      pollIntervalMs: config.reload.pollIntervalMs,
      onChange: () => void this.reloadRules('watch').catch((err: unknown) => logger.error('rules reload failed', { error: String(err) })),
      onError: (message) => logger.warn('rules watch', { message }),
    });
    await this.watch.start();
  }

  /**
   * The partition engines, timed per batch: the loop runs a whole batch through the engine synchronously, so the
   * first macrotask after the batch's first event closes the measurement (and refreshes the state gauges).
   */
  private measured(engines: PartitionEngines): DetectionEngine {
    const m = this.metrics;
    let batchStart: number | undefined;
    return {
      process: (event, ref) => {
        if (batchStart === undefined) {
          batchStart = performance.now();
          setImmediate(() => {
            if (batchStart !== undefined) m.evaluationSeconds.observe((performance.now() - batchStart) / 1000);
            batchStart = undefined;
            m.stateKeys.set(engines.stateKeys());
            m.lateEvents.set(engines.lateEventsDropped());
          });
        }
        return engines.process(event, ref);
      },
      advanceWatermark: (t) => engines.advanceWatermark(t),
      advanceWatermarkOf: (partitions, t) => engines.advanceWatermarkOf(partitions, t),
    };
  }

  /** Graceful shutdown; safe to call more than once. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    const { logger } = this.options;
    logger.info('stopping: finishing the batch in flight');
    this.controller.abort();
    if (this.ticker) clearInterval(this.ticker);
    this.watch?.close();
    await this.reloader?.idle();
    this.stopRetention?.();
    this.source?.stopConsuming();
    await this.running?.catch(() => undefined);
    await this.source?.close().catch((err: unknown) => logger.error('final checkpoint failed', { error: String(err) }));
    await this.alertTopic?.disconnect();
    await this.deadLetterTopic?.disconnect();
    await this.checkpoints?.disconnect();
    await this.admin?.disconnect();
    await this.metricsServer?.close();
    await this.es.close();
    logger.info('stopped', { ...this.loop?.stats });
  }

  private async retryUntilStopped(what: string, action: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await action();
      } catch (err) {
        if (this.controller.signal.aborted) throw err;
        const delay = Math.min(500 * 2 ** (attempt - 1), 10_000);
        this.options.logger.warn(`could not ${what}; retrying`, { attempt, delayMs: delay, error: errorMessage(err) });
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
