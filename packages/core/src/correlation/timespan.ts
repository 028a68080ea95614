import { parseDuration, type DurationUnit } from '../duration.ts';

/** Sigma timespans: a positive integer and one unit letter (no milliseconds). */
const SIGMA_UNITS: readonly DurationUnit[] = ['s', 'm', 'h', 'd', 'w', 'M', 'y'];

/** Milliseconds in a timespan such as `90m`, or an explanation of what is wrong. */
export function parseTimespan(spec: unknown): { ms: number } | { error: string } {
  if (typeof spec !== 'string') return { error: `timespan must be a string such as '5m', got ${JSON.stringify(spec)}` };
  const ms = parseDuration(spec, { units: SIGMA_UNITS });
  if (ms === undefined) return { error: `timespan '${spec}' is not a number followed by one of ${SIGMA_UNITS.join(', ')}` };
  if (ms <= 0) return { error: `timespan '${spec}' must be greater than zero` };
  return { ms };
}
