import { parseDuration as readDuration } from '@socle/core';

/** Parses `250ms`, `5s`, `10m`, `2h`, `1d`, `1w` (fractions allowed) into milliseconds; undefined if it is not a duration. */
export function parseDuration(text: string): number | undefined {
  return readDuration(text.trim(), { units: ['ms', 's', 'm', 'h', 'd', 'w'], fractions: true });
}
