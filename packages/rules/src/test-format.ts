import { z } from 'zod';
import { parseDuration } from './duration.ts';

/**
 * A rule test file (`tests/*.yml` in a package). See README.md, "Rule tests".
 * Events are flat or nested ECS objects with an `@timestamp`; `repeat` entries generate series.
 */
const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time, e.g. "2026-01-05T10:00:00Z"');
const duration = z.string().refine((s) => parseDuration(s) !== undefined, 'must be a duration like "500ms", "5s", "2m", "1h"');

const plainEvent = z.record(z.string(), z.unknown()).refine((e) => !('repeat' in e) || typeof e.repeat !== 'number', {
  message: 'a "repeat" entry needs "event" and "every"',
});

const repeatedEvent = z.strictObject({
  /** How many events to generate. */
  repeat: z.number().int().min(1).max(10_000),
  /** Time between two generated events; the first has the `@timestamp` of `event`. */
  every: duration,
  event: z.record(z.string(), z.unknown()),
  /** Per-field lists of values; event i takes value i modulo the list length. */
  vary: z.record(z.string(), z.array(z.unknown()).min(1)).optional(),
});

export const expectationSchema = z.strictObject({
  /** Rule id, name or title. Defaults to the file's `rule`. */
  rule: z.string().optional(),
  /** Exact number of alerts of that rule (default 1). */
  count: z.number().int().min(0).optional(),
  /** Values that at least one of the rule's alerts must have (alert fields, then the matched event, then the correlation group). */
  fields: z.record(z.string(), z.unknown()).optional(),
});

export const testCaseSchema = z.strictObject({
  name: z.string().min(1),
  events: z.array(z.union([repeatedEvent, plainEvent])).min(1, 'a case needs at least one event'),
  /** Advance the watermark to this time after the events (absence rules fire when time passes). */
  until: isoTime.optional(),
  expect: z.array(expectationSchema).min(1, 'say what you expect, e.g. [{rule: <id>, count: 0}]'),
  /**
   * Load only these rules (ids, names or titles), plus the rules they reference. Tests a building-block rule
   * on its own: inside the full package a correlation absorbs its alerts unless it says `generate: true`.
   */
  only: z.array(z.string()).min(1).optional(),
  /** When true, alerts of rules not named in `expect` fail the case. */
  exclusive: z.boolean().optional(),
});

export const testFileSchema = z.strictObject({
  /** Default rule (id, name or title) for expectations that name none. */
  rule: z.string().optional(),
  description: z.string().optional(),
  /** Fields merged into every event of every case (the event's own fields win). */
  defaults: z.record(z.string(), z.unknown()).optional(),
  cases: z.array(testCaseSchema).min(1),
});

export type TestFile = z.infer<typeof testFileSchema>;
export type TestCase = z.infer<typeof testCaseSchema>;
export type Expectation = z.infer<typeof expectationSchema>;
type EventEntry = TestCase['events'][number];

/** Expands `repeat` entries and applies defaults; returns events in time order (stable for equal times). */
export function expandEvents(entries: EventEntry[], defaults: Record<string, unknown> = {}): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const entry of entries) {
    if (isRepeat(entry)) {
      const start = Date.parse(String(entry.event['@timestamp']));
      const step = parseDuration(entry.every) ?? 0;
      for (let i = 0; i < entry.repeat; i++) {
        const e: Record<string, unknown> = { ...defaults, ...entry.event };
        if (!Number.isNaN(start)) e['@timestamp'] = new Date(start + i * step).toISOString();
        for (const [field, values] of Object.entries(entry.vary ?? {})) e[field] = values[i % values.length];
        out.push(e);
      }
    } else out.push({ ...defaults, ...entry });
  }
  return out
    .map((e, i) => ({ e, i, t: Date.parse(String(e['@timestamp'])) }))
    .sort((a, b) => (a.t - b.t) || a.i - b.i)
    .map((x) => x.e);
}

function isRepeat(entry: EventEntry): entry is z.infer<typeof repeatedEvent> {
  return typeof (entry as { repeat?: unknown }).repeat === 'number' && typeof (entry as { event?: unknown }).event === 'object';
}
