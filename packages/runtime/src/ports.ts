/**
 * Where the detection loop reads events from. Adapters implement it: the embedded mode an in-process bus, the
 * distributed mode a Kafka consumer group. Alerts go to an `AlertSink` (`@socle/api`).
 */
import type { SocleEvent } from '@socle/core';

/** Where an event sits in its source: a line of a file, a Kafka partition/offset. Stable across replays. */
export interface EventRef {
  id: string;
}

export interface SourcedEvent {
  event: SocleEvent;
  ref: EventRef;
}

/**
 * Batches of events, in order. `ack(upTo)` tells the source that every event up to and including `upTo` has been
 * fully handled (its alerts are durable), so it may commit the position (Kafka) or release capacity (bus).
 */
export interface EventSource extends AsyncIterable<SourcedEvent[]> {
  ack(upTo: EventRef): Promise<void>;
}

