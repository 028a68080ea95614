import type { SocleEvent } from '@socle/core';
import type { Acknowledgement } from './acknowledgement.ts';

/** A dead-letter record as built by `deadLetter(raw, ctx, error)` from the parsers: JSON-serialisable. */
export type DeadLetterRecord = Record<string, unknown>;

/** What travels from the intake through the buffer to an output. */
export type OutboundRecord =
  | { kind: 'event'; input: string; event: SocleEvent; ack?: Acknowledgement }
  | { kind: 'dead'; input: string; letter: DeadLetterRecord; ack?: Acknowledgement };

/** The durable part of a record (no acknowledgement handle), as written to the spool. */
export type StoredRecord =
  | { kind: 'event'; input: string; event: SocleEvent }
  | { kind: 'dead'; input: string; letter: DeadLetterRecord };

export function toStored(record: OutboundRecord): StoredRecord {
  return record.kind === 'event'
    ? { kind: 'event', input: record.input, event: record.event }
    : { kind: 'dead', input: record.input, letter: record.letter };
}
