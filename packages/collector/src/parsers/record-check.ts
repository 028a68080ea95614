import { checkEventDepth, InvalidEventError, readEventTime, type SocleEvent } from '@socle/core';
import type { RejectionReason } from './types.ts';

/**
 * How deep objects and arrays may nest in a record unless its input says otherwise. ECS events nest a handful of
 * levels; a 30,000-deep array fits in a few tens of kilobytes and overflows the stack of any recursive writer.
 */
export const DEFAULT_MAX_NESTING_DEPTH = 64;

/** The stage of the collector that refused a record, for the dead-letter metrics and `socle.stage`. */
export type RejectionStage = 'frame' | 'parse' | 'validate' | 'output';

export function stageOf(reason: RejectionReason): RejectionStage {
  switch (reason) {
    case 'framing':
      return 'frame';
    case 'unparsed':
    case 'parser-error':
      return 'parse';
    case 'unserialisable':
      return 'output';
    default:
      return 'validate';
  }
}

export interface Rejection {
  reason: RejectionReason;
  error: string;
}

/** Why a value nests objects and arrays deeper than `maxDepth` (the value itself being level 1), or undefined. */
export function nestingProblem(value: object, maxDepth: number): Rejection | undefined {
  try {
    checkEventDepth(value, maxDepth);
    return undefined;
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    const where = error.field ? ` (in '${error.field.slice(0, 64)}')` : '';
    return { reason: 'too-deep', error: `objects and arrays nest deeper than ${maxDepth} levels${where}` };
  }
}

/**
 * What every parsed event must satisfy before it is buffered: objects and arrays nested at most `maxDepth` levels,
 * and an `@timestamp`, where there is one, that reads as a time in 1970..9999 (`readEventTime` of @socle/core,
 * which the engine applies too).
 */
export function checkParsedEvent(event: SocleEvent, maxDepth: number): Rejection | undefined {
  const deep = nestingProblem(event, maxDepth);
  if (deep) return deep;
  const value = event['@timestamp'];
  const time = readEventTime(value);
  if (time === 'out-of-range' || time === 'unreadable') {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 64)) : typeof value === 'object' ? 'an object' : String(value);
    return time === 'out-of-range'
      ? { reason: 'time-out-of-range', error: `'@timestamp' ${shown} is outside 1970-01-01T00:00:00.000Z..9999-12-31T23:59:59.999Z` }
      : { reason: 'time-unreadable', error: `'@timestamp' ${shown} is not an ISO 8601 time or epoch milliseconds` };
  }
  return undefined;
}
