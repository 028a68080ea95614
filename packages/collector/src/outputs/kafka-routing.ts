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

/** A dotted field's parts and, for each part, the dotted rest from it (`host.os.name` -> `os.name` at 1). */
interface FieldPath {
  parts: string[];
  rests: string[];
}
// The fields read per event are the configured few (key field, event.dataset): split once, not per event.
const fieldPaths = new Map<string, FieldPath>();
const MAX_CACHED_FIELDS = 256;

function fieldPath(field: string): FieldPath {
  let path = fieldPaths.get(field);
  if (path === undefined) {
    const parts = field.split('.');
    path = { parts, rests: parts.map((_, i) => parts.slice(i).join('.')) };
    if (fieldPaths.size < MAX_CACHED_FIELDS) fieldPaths.set(field, path);
  }
  return path;
}

/** Reads a dotted field from nested objects or a flat dotted key (`{"host.name": ...}`), as events may hold either. */
export function readField(event: SocleEvent, field: string): unknown {
  if (field in event) return event[field];
  const { parts, rests } = fieldPath(field);
  let current: unknown = event;
  for (let i = 0; i < parts.length; i++) {
    if (current === null || typeof current !== 'object') return undefined;
    const obj = current as Record<string, unknown>;
    // Also accept partly flat shapes such as {host: {"os.name": ...}}.
    if (i > 0 && rests[i]! in obj) return obj[rests[i]!];
    current = obj[parts[i]!];
  }
  return current;
}
