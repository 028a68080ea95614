/**
 * Alerts keep the event that raised them (`socle.event`, with the collector's raw line in `event.original`) so an
 * analyst sees what happened; a raw line can be arbitrarily long, so the stored copy is cut to a configured length.
 */
import type { Alert } from '@socle/core';
import type { AlertSink } from '@socle/api';

export const DEFAULT_MAX_ORIGINAL_CHARS = 8192;

/** The alert with its event's `event.original` cut to `max` characters (a copy; the engine's event is untouched). */
export function boundEventOriginal(alert: Alert, max: number): Alert {
  const event = alert['socle.event'];
  const meta = event?.event as Record<string, unknown> | undefined;
  const original = meta?.original;
  if (typeof original !== 'string' || original.length <= max) return alert;
  const cut = `${original.slice(0, max)}… [${original.length - max} more characters not kept]`;
  return { ...alert, 'socle.event': { ...event, event: { ...meta, original: cut } } };
}

/** A sink that stores alerts with their events' raw lines bounded. */
export function boundingOriginals(sink: AlertSink, max: number): AlertSink {
  return { write: (alerts) => sink.write(alerts.map((a) => boundEventOriginal(a, max))) };
}
