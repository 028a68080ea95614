import { getField, isPlainObject, mergeInto, setField, ECS_VERSION, type EcsEvent } from './ecs.ts';
import { DEFAULT_MAX_NESTING_DEPTH, nestingProblem } from './record-check.ts';
import type { ParseContext, RejectionReason } from './types.ts';

/**
 * Parses one JSON object, naming the format and what is wrong when it is not one. Nesting deeper than
 * `maxDepth` is refused here, before anything walks the document recursively.
 */
export function parseJsonObject(
  raw: string,
  format: string,
  maxDepth: number = DEFAULT_MAX_NESTING_DEPTH,
): { document: Record<string, unknown> } | { error: string; reason?: RejectionReason } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { error: `${format}: invalid JSON: ${(error as Error).message}` };
  }
  if (!isPlainObject(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { error: `${format}: expected a JSON object at column 1, found ${kind}` };
  }
  const deep = nestingProblem(value, maxDepth);
  if (deep) return { error: `${format}: ${deep.error}`, reason: deep.reason };
  return { document: value };
}

/** `{"source.ip": "1.2.3.4"}` and `{"source": {"ip": "1.2.3.4"}}` mean the same in ECS; keep only the nested form. */
export function expandDottedKeys(document: Record<string, unknown>): EcsEvent {
  const out: EcsEvent = {};
  for (const key of Object.keys(document)) {
    const own = Object.getOwnPropertyDescriptor(document, key)?.value;
    const value = isPlainObject(own) ? expandDottedKeys(own) : own;
    const patch: EcsEvent = {};
    if (key.includes('.') && !key.startsWith('.') && !key.endsWith('.') && !key.includes('..')) {
      setField(patch, key, value);
    } else {
      // A computed key in a literal creates an own property even for `__proto__`.
      Object.defineProperty(patch, key, { value, writable: true, enumerable: true, configurable: true });
    }
    mergeInto(out, patch);
  }
  return out;
}

/**
 * Stamps what every Socle event carries onto a document that arrived as JSON. The tenant always comes from
 * the collector's context, never from the document, so one tenant cannot write into another.
 */
export function stampJsonEvent(event: EcsEvent, raw: string, ctx: ParseContext, origin: { module: string; dataset: string }): string | undefined {
  for (const key of ['event', 'organization', 'socle', 'ecs']) {
    const value = event[key];
    if (value !== undefined && !isPlainObject(value)) {
      return `field '${key}' must be an object (ECS ${key}.*), found ${Array.isArray(value) ? 'an array' : typeof value}`;
    }
  }
  const fields = (event.event ?? {}) as Record<string, unknown>;
  fields.module ??= origin.module;
  fields.dataset ??= origin.dataset;
  fields.kind ??= 'event';
  fields.original = raw;
  event.event = fields;
  mergeInto(event, { organization: { id: ctx.organization }, socle: { input: ctx.input } });
  if (getField(event, 'ecs.version') === undefined) setField(event, 'ecs.version', ECS_VERSION);
  return undefined;
}
