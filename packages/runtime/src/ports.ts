/**
 * Where the detection loop reads events from. Adapters implement it: the embedded mode an in-process bus, the
 * distributed mode a Kafka consumer group. Alerts go to an `AlertSink` (`@socle/api`).
 */
import type { EventRef, SocleEvent } from '@socle/core';

/**
 * The engine's `EventRef` as a source gives it: where the event sits (a line of a file, a Kafka
 * partition/offset), always set, stable across replays.
 */
export type SourcedEventRef = Required<EventRef>;

export interface SourcedEvent {
  event: SocleEvent;
  ref: SourcedEventRef;
}

/**
 * Batches of events, in order. `ack(upTo)` tells the source that every event up to and including `upTo` has been
 * fully handled (its alerts are durable), so it may commit the position (Kafka) or release capacity (bus).
 */
export interface EventSource extends AsyncIterable<SourcedEvent[]> {
  ack(upTo: SourcedEventRef): Promise<void>;
}

