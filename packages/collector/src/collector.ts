import type { Server } from 'node:http';
import { createLogger, type Logger } from '@socle/core';
import type { Readable, Writable } from 'node:stream';
import type { CollectorConfig } from './config/schema.ts';
import { CollectorMetrics } from './metrics/collector-metrics.ts';
import { startPrometheusEndpoint } from './metrics/prometheus-endpoint.ts';
import { RecordBuffer } from './delivery/record-buffer.ts';
import { Intake, type DeadLetterFn, type ParseRecordFn } from './delivery/intake.ts';
import { DeliveryLoop } from './delivery/delivery-loop.ts';
import type { OutboundRecord } from './delivery/outbound.ts';
import type { Input } from './inputs/input.ts';
import { boundPort, closeServer, parseListenAddress } from './inputs/listen-address.ts';
import { createInputs } from './inputs/create-input.ts';
import type { Output } from './outputs/output.ts';
import { StdoutOutput } from './outputs/stdout-output.ts';
import { KafkaOutput } from './outputs/kafka-output.ts';
import { DiskSpool } from './outputs/disk-spool.ts';
import { SpooledOutput } from './outputs/spooled-output.ts';
import { defaultDeadLetter, defaultParse } from './default-parsing.ts';

export interface CollectorDependencies {
  /** Defaults to `parseRecord` from this package's parsers. */
  parse?: ParseRecordFn;
  /** Defaults to `deadLetter` from this package's parsers. */
  deadLetter?: DeadLetterFn;
  stdin?: Readable;
  stdout?: Writable;
  /** Where dead letters go when the stdout output is configured with `deadLetters: stderr`. */
  stderr?: Writable;
  /** Operational messages (never events); defaults to text lines on stderr. */
  logger?: Logger;
  env?: Record<string, string | undefined>;
}

/** Inputs -> intake (parse) -> bounded buffer -> delivery loop -> output (optionally spooled). */
export class Collector {
  readonly metrics = new CollectorMetrics();
  readonly inputs: Input[];
  private readonly buffer: RecordBuffer<OutboundRecord>;
  private delivery: DeliveryLoop | undefined;
  private output!: Output;
  private spooled: SpooledOutput | undefined;
  private metricsServer: Server | undefined;
  private readonly logger: Logger;
  private stopping: Promise<void> | undefined;

  constructor(private readonly config: CollectorConfig, private readonly deps: CollectorDependencies = {}) {
    this.logger = deps.logger ?? createLogger({ format: 'text', prefix: 'socle collect: ', write: (line) => process.stderr.write(line) });
    this.buffer = new RecordBuffer(config.buffer.capacity);
    this.metrics.bufferCapacity.set(config.buffer.capacity);
    const intake = new Intake(this.buffer, deps.parse ?? defaultParse, deps.deadLetter ?? defaultDeadLetter, this.metrics);
    this.inputs = createInputs(config.inputs, intake, { metrics: this.metrics, stdin: deps.stdin, env: deps.env, logger: this.logger });
    this.output = this.createOutput();
  }

  /** Resolves when every input has ended by itself (only stdin does); never for network inputs. */
  get ended(): Promise<void> {
    return Promise.all(this.inputs.map((input) => input.ended ?? new Promise<void>(() => {}))).then(() => undefined);
  }

  input<T extends Input>(name: string): T {
    const found = this.inputs.find((i) => i.name === name);
    if (!found) throw new Error(`no input named "${name}" (have: ${this.inputs.map((i) => i.name).join(', ')})`);
    return found as T;
  }

  /** Port of the metrics endpoint, when `metrics.listen` is configured (useful with port 0). */
  get metricsPort(): number | undefined {
    return this.metricsServer ? boundPort(this.metricsServer) : undefined;
  }

  /** Starts output, metrics and inputs; if any of them fails, what was started is stopped again. */
  async start(): Promise<void> {
    try {
      await this.startAll();
    } catch (error) {
      await this.stop().catch(() => undefined);
      throw error;
    }
  }

  private async startAll(): Promise<void> {
    if (this.config.spool) {
      const spool = await DiskSpool.open(this.config.spool.dir, { maxSegmentBytes: this.config.spool.maxSegmentBytes });
      this.spooled = new SpooledOutput(this.output, spool, { directTimeoutMs: this.config.spool.directTimeoutMs, replayBatchSize: this.config.buffer.batchSize, retryDelayMs: 200, logger: this.logger }, this.metrics);
      this.output = this.spooled;
    }
    await this.output.start();
    this.delivery = new DeliveryLoop(this.buffer, this.output, this.metrics, {
      batchSize: this.config.buffer.batchSize,
      lingerMs: this.config.buffer.lingerMs,
      // Only the Kafka output takes overlapping sends; the spool and stdout write in the order they are called.
      inFlight: this.config.output.type === 'kafka' && !this.spooled ? this.config.buffer.inFlight : 1,
      deadLetter: this.deps.deadLetter ?? defaultDeadLetter,
      logger: this.logger,
    });
    this.delivery.start();
    if (this.config.metrics) this.metricsServer = await startPrometheusEndpoint(this.metrics.registry, parseListenAddress(this.config.metrics.listen));
    for (const input of this.inputs) await input.start();
  }

  /** Graceful stop: inputs stop, the buffer is flushed, the spool replayed if possible, file checkpoints committed. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const timeout = this.config.shutdownTimeoutMs;
    await Promise.all(this.inputs.map((input) => input.stop()));
    const { delivered } = this.delivery ? await this.delivery.drain(timeout) : { delivered: true };
    if (!delivered) this.logger.error('shutdown: buffered records could not be delivered in time', { records: this.buffer.size, timeoutMs: timeout });
    await Promise.all(this.inputs.map(async (input) => input.finish?.()));
    await this.spooled?.flush(timeout);
    await this.output.close();
    if (this.metricsServer) await closeServer(this.metricsServer);
  }

  private createOutput(): Output {
    const output = this.config.output;
    if (output.type === 'stdout') {
      const deadLetters = output.deadLetters === 'stderr' ? (this.deps.stderr ?? 'stderr') : output.deadLetters;
      return new StdoutOutput({ events: this.deps.stdout, deadLetters });
    }
    return new KafkaOutput({ ...output, logger: this.logger }, this.metrics);
  }
}
