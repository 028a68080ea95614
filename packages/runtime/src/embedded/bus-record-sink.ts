import { parseRecord, type FormatName, type ParseContext, type RecordSink } from '@socle/collector';
import { createHash } from 'node:crypto';
import type { InProcessBus } from './in-process-bus.ts';

/** The collector's Acknowledgement as inputs hand it over: one count per record, settled when all are delivered. */
type Acknowledgement = Parameters<RecordSink['push']>[3];

export interface RejectedRecord {
  input: string;
  error: string;
  raw: string;
}

/**
 * Lets the collector's inputs (file tail, stdin) feed the in-process bus instead of a Kafka output. Records are
 * parsed as in the collector; a record counts as delivered, so a file input may checkpoint past it, only when the
 * detection loop acknowledged it, i.e. once its alerts are in the journal.
 */
export class BusRecordSink implements RecordSink {
  rejected = 0;
  dropped = 0;

  constructor(
    private readonly bus: InProcessBus,
    private readonly onRejected: (record: RejectedRecord) => void,
  ) {}

  get full(): boolean {
    return this.bus.full;
  }

  whenWritable(): Promise<void> {
    return this.bus.whenWritable();
  }

  push(format: string, raw: string, ctx: ParseContext, ack?: Acknowledgement): string | undefined {
    const result = parseRecord(format as FormatName, raw, ctx);
    if (!result.ok) {
      this.deadLetter(raw, ctx, 'parse-error', result.error, ack);
      return result.error;
    }
    ack?.add();
    this.bus.offer({ event: result.event, ref: recordRef(ctx, raw), raw: { value: Buffer.from(raw, 'utf8'), origin: { input: ctx.input } }, onAcked: ack ? () => ack.deliver() : undefined });
    return undefined;
  }

  /** A record that could not even be framed (oversize, bad encoding). */
  reject(raw: string, ctx: ParseContext, error: string, ack?: Acknowledgement): void {
    this.deadLetter(raw, ctx, 'unframed', error, ack);
  }

  /**
   * Parser refusals go through the bus like events: the detection loop dead-letters them durably before the
   * input may checkpoint past them.
   */
  private deadLetter(raw: string, ctx: ParseContext, reason: string, error: string, ack?: Acknowledgement): void {
    this.rejected++;
    this.onRejected({ input: ctx.input, error, raw });
    ack?.add();
    this.bus.offer({
      ref: recordRef(ctx, raw),
      raw: { value: Buffer.from(raw, 'utf8'), origin: { input: ctx.input } },
      rejected: { stage: 'normalise', reason, message: error },
      onAcked: ack ? () => ack.deliver() : undefined,
    });
  }

  drop(): void {
    this.dropped++;
  }
}

/**
 * The id must come out the same when a record is read again after a crash (file inputs resume from their last
 * checkpoint), so that its alerts get the same ids and replace the stored ones instead of duplicating.
 */
function recordRef(ctx: ParseContext, raw: string): { id: string } {
  return { id: `${ctx.input}:${createHash('sha256').update(raw).digest('hex').slice(0, 20)}` };
}
