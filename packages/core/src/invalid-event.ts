/**
 * What makes an event one the engine cannot evaluate, and the one error it throws for it. A caller (a detection
 * loop, a collector) catches `InvalidEventError`, dead-letters the event with its `reason` and goes on with the
 * same engine: the error is thrown before any correlation or suppression state changes.
 */
import { parseIsoTime } from './iso-time.ts';

/** Why an event cannot be evaluated. */
export type InvalidEventReason =
  /** The event is not a JSON object (null, an array, a string...). */
  | 'not-an-object'
  /** Its time field holds a time outside `EVENT_TIME_MIN_MS`..`EVENT_TIME_MAX_MS`. */
  | 'time-out-of-range'
  /** Objects and arrays nested deeper than `MAX_EVENT_DEPTH`. */
  | 'too-deep';

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';

  constructor(
    readonly reason: InvalidEventReason,
    message: string,
    /** The field at fault, where there is one. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** 1970-01-01T00:00:00.000Z: the earliest event time taken. */
export const EVENT_TIME_MIN_MS = 0;
/** 9999-12-31T23:59:59.999Z: the latest event time taken (the last one ISO 8601 writes with a four-digit year). */
export const EVENT_TIME_MAX_MS = 253_402_300_799_999;

/**
 * How deep objects and arrays may nest in an event, the event itself being level 1 (`{"a": [1]}` is 2 deep).
 * Real events nest a handful of levels; the bound keeps every recursive walk over an event (field reads, the
 * keyword scan, hashing, serialising an alert) far from the stack's limit.
 */
export const MAX_EVENT_DEPTH = 128;

/** What an event's time value reads as: epoch ms, or why there is none. */
export type EventTimeReading = number | 'absent' | 'unreadable' | 'out-of-range';

/**
 * Reads an event time: an ISO 8601 text or epoch milliseconds. `absent` for undefined or null, `unreadable` for
 * anything else that is no time, `out-of-range` for a time before 1970 or after 9999 (`EVENT_TIME_MIN_MS`..
 * `EVENT_TIME_MAX_MS`): a time no log holds, which alerts could not write either.
 */
export function readEventTime(value: unknown): EventTimeReading {
  if (value === undefined || value === null) return 'absent';
  const t = typeof value === 'number' ? value : typeof value === 'string' ? parseIsoTime(value) : NaN;
  if (Number.isNaN(t)) return 'unreadable';
  return t >= EVENT_TIME_MIN_MS && t <= EVENT_TIME_MAX_MS ? t : 'out-of-range';
}

/** The error for an event time out of range, naming the field and the value (cut short). */
export function timeOutOfRange(field: string, value: unknown): InvalidEventError {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 64)) : String(value);
  return new InvalidEventError(
    'time-out-of-range',
    `event time ${field} = ${shown} is outside 1970-01-01T00:00:00.000Z..9999-12-31T23:59:59.999Z`,
    field,
  );
}

/** The error for an event nested deeper than `MAX_EVENT_DEPTH`. */
export function tooDeep(field?: string): InvalidEventError {
  return new InvalidEventError('too-deep', `event nests objects or arrays deeper than ${MAX_EVENT_DEPTH} levels${field ? ` (in ${field})` : ''}`, field);
}

/** Throws `InvalidEventError` ('too-deep') when objects and arrays in `event` nest deeper than `maxDepth`. */
export function checkEventDepth(event: object, maxDepth: number = MAX_EVENT_DEPTH): void {
  const key = deepestBeyond(event, maxDepth - 1);
  if (key !== undefined) throw tooDeep(key || undefined);
}

/**
 * The top-level key under which `node` nests more than `budget` further levels ('' when the node itself is an
 * array), else undefined. Recursion is bounded by `budget`: it stops there.
 */
function deepestBeyond(node: object, budget: number): string | undefined {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const v: unknown = node[i];
      if (typeof v === 'object' && v !== null && (budget === 0 || deepestBeyond(v, budget - 1) !== undefined)) return '';
    }
    return undefined;
  }
  const record = node as Record<string, unknown>;
  for (const key in record) {
    const v = record[key];
    if (typeof v === 'object' && v !== null && (budget === 0 || deepestBeyond(v, budget - 1) !== undefined)) return key;
  }
  return undefined;
}
