/**
 * Dead letters: records a stage of the service could not handle, kept with their raw bytes, where they came from
 * and why, so that one bad record never stops a stream and can be replayed once the cause is fixed.
 */

/** The stage that gave up on the record. */
export type DeadLetterStage = 'decode' | 'normalise' | 'evaluate' | 'serialise';

/** Why a stage gave up: `reason` is a short, bounded label (a metric label), `message` the details. */
export interface Rejection {
  stage: DeadLetterStage;
  reason: string;
  message: string;
}

/** Where a record came from: a Kafka partition and offset, or a `socle run` input. */
export type RecordOrigin = { topic: string; partition: number; offset: string } | { input: string };

/** A record as it came in: its value and key bytes (Kafka) and where it came from. */
export interface RawRecord {
  value: Uint8Array | null;
  key?: Uint8Array | null;
  origin: RecordOrigin;
}

export interface DeadLetter extends Rejection {
  /** The event ref (`topic/partition/offset`, `input:hash`) or alert id the record had. */
  ref: string;
  raw: RawRecord;
  /** When it was dead-lettered (ISO 8601). */
  at: string;
}

/** Where dead letters go; `write` resolves once they are durable (the batch is acknowledged only after). */
export interface DeadLetterSink {
  write(letters: DeadLetter[]): Promise<void>;
}

/** Reasons of the `evaluate` stage: the engine's `InvalidEventError` reasons, else `engine-error`. */
export function evaluationRejection(err: unknown): Rejection {
  const e = err as { name?: unknown; reason?: unknown; message?: unknown } | null;
  // Matched by name: the typed error may come from another copy of @socle/core.
  const reason = e && e.name === 'InvalidEventError' && typeof e.reason === 'string' ? e.reason : 'engine-error';
  return { stage: 'evaluate', reason, message: errorMessage(err) };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The bytes of an event the source kept none of (it is re-serialised). */
export function rawOfEvent(event: unknown, origin: RecordOrigin): RawRecord {
  let text: string;
  try {
    text = JSON.stringify(event) ?? 'null';
  } catch {
    text = String(event);
  }
  return { value: Buffer.from(text, 'utf8'), origin };
}

/** Counts by `stage/reason`, for `/healthz`. */
export class DeadLetterCounts {
  private readonly counts = new Map<string, number>();

  add(letters: readonly DeadLetter[]): void {
    for (const l of letters) {
      const key = `${l.stage}/${l.reason}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
  }

  get total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}
