import { errorMessage } from '@socle/core';
import type { Counter } from 'prom-client';
import { stageOf } from '../parsers/record-check.ts';
import type { ParseContext, ParseResult, RejectionReason } from '../parsers/types.ts';
import type { CollectorMetrics } from '../metrics/collector-metrics.ts';
import type { Acknowledgement } from './acknowledgement.ts';
import type { DeadLetterRecord, OutboundRecord } from './outbound.ts';
import type { RecordBuffer } from './record-buffer.ts';

export type ParseRecordFn = (format: string, raw: string, ctx: ParseContext) => ParseResult;
export type DeadLetterFn = (raw: string, ctx: ParseContext, error: string, format?: string, reason?: RejectionReason) => DeadLetterRecord;

/** What inputs see of the delivery path: hand over raw records, and watch `full` to apply backpressure. */
export interface RecordSink {
  /** Parses and buffers one raw record; returns the parse error when it went to the dead-letter queue. */
  push(format: string, raw: string, ctx: ParseContext, ack?: Acknowledgement): string | undefined;
  /** Sends a record that could not even be framed (oversize, bad framing) straight to the dead-letter queue. */
  reject(raw: string, ctx: ParseContext, error: string, ack?: Acknowledgement): void;
  /** Counts a record thrown away under backpressure (UDP cannot be paused). */
  drop(input: string): void;
  readonly full: boolean;
  whenWritable(): Promise<void>;
}

/** Raw record -> parseRecord -> event or dead letter -> buffer. */
export class Intake implements RecordSink {
  private readonly inCounters = new Map<string, ReturnType<Counter<'input'>['labels']>>();
  private readonly dlqCounters = new Map<string, ReturnType<Counter<'input'>['labels']>>();

  constructor(
    private readonly buffer: RecordBuffer<OutboundRecord>,
    private readonly parse: ParseRecordFn,
    private readonly makeDeadLetter: DeadLetterFn,
    private readonly metrics: CollectorMetrics,
  ) {}

  get full(): boolean {
    return this.buffer.full;
  }

  whenWritable(): Promise<void> {
    return this.buffer.whenWritable();
  }

  push(format: string, raw: string, ctx: ParseContext, ack?: Acknowledgement): string | undefined {
    if (this.buffer.isClosed) return this.refuseAfterClose(ctx.input);
    counterFor(this.inCounters, this.metrics.eventsIn, ctx.input).inc();
    let result: ParseResult;
    try {
      result = this.parse(format, raw, ctx);
    } catch (error) {
      // A parser bug must cost one record, not the collector.
      result = { ok: false, error: `parser "${format}" threw: ${errorMessage(error)}`, reason: 'parser-error' };
    }
    if (result.ok) {
      ack?.add();
      this.buffer.push({ kind: 'event', input: ctx.input, event: result.event, ack });
      this.metrics.bufferFill.set(this.buffer.size);
      return undefined;
    }
    this.enqueueDeadLetter(raw, ctx, result.error, result.reason ?? 'unparsed', ack, format);
    return result.error;
  }

  reject(raw: string, ctx: ParseContext, error: string, ack?: Acknowledgement): void {
    if (this.buffer.isClosed) {
      this.refuseAfterClose(ctx.input);
      return;
    }
    counterFor(this.inCounters, this.metrics.eventsIn, ctx.input).inc();
    this.enqueueDeadLetter(raw, ctx, error, 'framing', ack);
  }

  drop(input: string): void {
    this.metrics.dropped.labels(input).inc();
  }

  /** A straggler (the last bytes of a closing connection) arriving after shutdown flushed the buffer. */
  private refuseAfterClose(input: string): string {
    this.metrics.dropped.labels(input).inc();
    return 'the collector is shutting down';
  }

  private enqueueDeadLetter(raw: string, ctx: ParseContext, error: string, reason: RejectionReason, ack?: Acknowledgement, format?: string): void {
    counterFor(this.dlqCounters, this.metrics.deadLetters, ctx.input).inc();
    this.metrics.deadLettersByReason.labels(ctx.input, stageOf(reason), reason).inc();
    ack?.add();
    this.buffer.push({ kind: 'dead', input: ctx.input, letter: this.makeDeadLetter(raw, ctx, error, format, reason), ack });
    this.metrics.bufferFill.set(this.buffer.size);
  }
}

function counterFor(
  cache: Map<string, ReturnType<Counter<'input'>['labels']>>,
  counter: Counter<'input'>,
  input: string,
): ReturnType<Counter<'input'>['labels']> {
  let child = cache.get(input);
  if (!child) {
    child = counter.labels(input);
    cache.set(input, child);
  }
  return child;
}
