import type { CompiledCorrelation } from './compile.ts';
import type { Contributors } from '../organization.ts';
import { average, maximum, median, minimum, percentile, sum } from './aggregate.ts';

/**
 * The events of one group in the current window of an event_count / value_* correlation, as parallel arrays
 * (times, event ids, values) — compact, and JSON-serialisable as is. Times are non-decreasing.
 */
export interface WindowGroup {
  t: number[];
  id: string[];
  /** value_count: the value's JSON text; numeric types: the number; null when the event has no value. */
  v?: Array<string | number | null>;
  /** SOC-wide rules: the organisation(s) behind each event, parallel to `t`. */
  o?: Contributors[];
  /** closing mode: when the window opened. */
  s?: number;
  /** value_count over a large window: how many window events carry each value. Derived, never saved. */
  c?: Map<string, number>;
}

/** A group holding its first event; `value` is left out for event_count. Literals keep the arrays exactly sized. */
export function newWindowGroup(time: number, eventId: string, value: string | number | null | undefined): WindowGroup {
  return value === undefined ? { t: [time], id: [eventId] } : { t: [time], id: [eventId], v: [value] };
}

/** `o` (SOC-wide rules) is the caller's to extend: rules that are not SOC-wide do not pay for it. */
export function appendEvent(g: WindowGroup, time: number, eventId: string, value: string | number | null): void {
  g.t.push(time);
  g.id.push(eventId);
  if (g.v) {
    g.v.push(value);
    if (g.c && typeof value === 'string') g.c.set(value, (g.c.get(value) ?? 0) + 1);
  }
}

/** Drops the events older than `from` (an event exactly at `from` stays: windows include both edges). */
export function dropBefore(g: WindowGroup, from: number): void {
  let n = 0;
  while (n < g.t.length && g.t[n]! < from) n++;
  if (n === 0) return;
  if (g.c && g.v) {
    for (let i = 0; i < n; i++) {
      const v = g.v[i];
      if (typeof v !== 'string') continue;
      const left = g.c.get(v)! - 1;
      if (left === 0) g.c.delete(v);
      else g.c.set(v, left);
    }
  }
  g.t.splice(0, n);
  g.id.splice(0, n);
  g.v?.splice(0, n);
  g.o?.splice(0, n);
}

/** Windows up to this size count distinct values by comparison; bigger ones keep a value -> count map. */
const SMALL_WINDOW = 16;

function distinctCount(g: WindowGroup): number {
  const values = g.v!;
  if (!g.c && values.length <= SMALL_WINDOW) {
    let distinct = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'string') continue;
      let seen = false;
      for (let j = 0; j < i && !seen; j++) seen = values[j] === v;
      if (!seen) distinct++;
    }
    return distinct;
  }
  if (!g.c) {
    g.c = new Map();
    for (const v of g.v!) if (typeof v === 'string') g.c.set(v, (g.c.get(v) ?? 0) + 1);
  }
  return g.c.size;
}

/** The window's count or metric; undefined when a metric has no numeric value to work on. */
export function windowValue(g: WindowGroup, corr: CompiledCorrelation): number | undefined {
  if (corr.type === 'event_count') return g.t.length;
  if (corr.type === 'value_count') return distinctCount(g);
  const values = g.v!.filter((v): v is number => typeof v === 'number');
  if (values.length === 0) return undefined;
  switch (corr.type) {
    case 'value_sum':
      return sum(values);
    case 'value_avg':
      return average(values);
    case 'value_min':
      return minimum(values);
    case 'value_max':
      return maximum(values);
    case 'value_percentile':
      return percentile(values, corr.percentile ?? 95);
    case 'value_median':
      return median(values);
    default:
      return undefined;
  }
}
