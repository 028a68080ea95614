/**
 * Where the detection loop reads events from. Adapters implement it: the embedded mode an in-process bus, the
 * distributed mode a Kafka consumer group. Alerts go to an `AlertSink` (`@socle/api`), records the loop cannot
 * handle to a `DeadLetterSink` (`src/dead-letters/`).
 */
import type { EventRef, SocleEvent } from '@socle/core';
import type { RawRecord, Rejection } from './dead-letters/dead-letter.ts';

/**
 * The engine's `EventRef` as a source gives it: where the event sits (a line of a file, a Kafka
 * partition/offset), always set, stable across replays.
 */
export type SourcedEventRef = Required<EventRef>;

export interface SourcedEvent {
  event: SocleEvent;
  ref: SourcedEventRef;
  /** The bytes the event was decoded from, when the source keeps them (dead-lettered as they came). */
  raw?: RawRecord;
}

/** A record the source could not turn into an event: it takes its place in the batch and is dead-lettered. */
export interface UnreadableRecord {
  ref: SourcedEventRef;
  raw: RawRecord;
  rejected: Rejection;
}

export type SourceItem = SourcedEvent | UnreadableRecord;

export function isUnreadable(item: SourceItem): item is UnreadableRecord {
  return 'rejected' in item;
}

/**
 * Batches of events, in order. `ack(upTo)` tells the source that every event up to and including `upTo` has been
 * fully handled (its alerts and dead letters are durable), so it may commit the position (Kafka) or release
 * capacity (bus).
 */
export interface EventSource extends AsyncIterable<SourceItem[]> {
  ack(upTo: SourcedEventRef): Promise<void>;
}
