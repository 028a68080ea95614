import type { SocleEvent } from '@socle/core';

/**
 * Topic for an event: the template with `{dataset}` replaced by `event.dataset` (made topic-safe), e.g.
 * `socle.events.{dataset}` -> `socle.events.linux.auth`. A template without `{dataset}` is one topic for all.
 */
export function topicFor(template: string, event: SocleEvent, fallbackDataset: string): string {
  if (!template.includes('{dataset}')) return template;
  const dataset = readField(event, 'event.dataset');
  const safe = typeof dataset === 'string' && dataset.length > 0 ? dataset.replace(/[^A-Za-z0-9._-]/g, '_') : fallbackDataset;
  return template.replaceAll('{dataset}', safe);
}

/** Message key: the value of `field` (e.g. `host.name`) so one host's events stay on one partition; null if absent. */
export function keyFor(event: SocleEvent, field: string): string | null {
  const value = readField(event, field);
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Reads a dotted field from nested objects or a flat dotted key (`{"host.name": ...}`), as events may hold either. */
export function readField(event: SocleEvent, field: string): unknown {
  if (field in event) return event[field];
  const parts = field.split('.');
  let current: unknown = event;
  for (let i = 0; i < parts.length; i++) {
    if (current === null || typeof current !== 'object') return undefined;
    const obj = current as Record<string, unknown>;
    // Also accept partly flat shapes such as {host: {"os.name": ...}}.
    const rest = parts.slice(i).join('.');
    if (i > 0 && rest in obj) return obj[rest];
    current = obj[parts[i]!];
  }
  return current;
}
