import type { ParseContext } from './types.ts';

/** A nested ECS document under construction (`{ source: { ip } }`, never dotted keys). */
export type EcsEvent = Record<string, unknown>;

export const ECS_VERSION = '8.11.0';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Assigning `__proto__` with `=` would replace the prototype; defining it makes an ordinary own property.
function putOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function getOwn(target: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
}

// Parsers set the same few hundred paths over and over; splitting them once is a measurable share of the work.
// The cache is bounded because JSON documents bring paths of their own.
const splitPaths = new Map<string, string[]>();
const MAX_CACHED_PATHS = 4096;

function pathKeys(path: string): string[] {
  let keys = splitPaths.get(path);
  if (keys === undefined) {
    keys = path.split('.');
    if (splitPaths.size < MAX_CACHED_PATHS) splitPaths.set(path, keys);
  }
  return keys;
}

/**
 * Sets `a.b.c` in a nested object. Empty values (undefined, null, '') are not written, so parsers can pass
 * optional captures straight through. A path blocked by a non-object value is left untouched.
 */
export function setField(target: EcsEvent, path: string, value: unknown): void {
  if (value === undefined || value === null || value === '') return;
  const keys = pathKeys(path);
  let node: Record<string, unknown> = target;
  for (let i = 0; i < keys.length - 1; i++) {
    const existing = getOwn(node, keys[i]);
    if (existing === undefined) {
      const child: Record<string, unknown> = {};
      putOwn(node, keys[i], child);
      node = child;
    } else if (isPlainObject(existing)) {
      node = existing;
    } else {
      return;
    }
  }
  putOwn(node, keys[keys.length - 1], value);
}

/** Sets a value under a single literal key (which may itself contain dots), below a dotted parent path. */
export function setChild(target: EcsEvent, parentPath: string, key: string, value: unknown): void {
  if (value === undefined || value === null || value === '') return;
  if (getField(target, parentPath) === undefined) setField(target, parentPath, {});
  const parent = getField(target, parentPath);
  if (isPlainObject(parent)) putOwn(parent, key, value);
}

export function getField(source: unknown, path: string): unknown {
  let node: unknown = source;
  for (const key of pathKeys(path)) {
    if (!isPlainObject(node)) return undefined;
    node = getOwn(node, key);
  }
  return node;
}

/** Appends to an array field (`related.ip`, `event.category`), skipping empties and duplicates. */
export function addValue(target: EcsEvent, path: string, value: string | undefined): void {
  if (value === undefined || value === '') return;
  const existing = getField(target, path);
  if (Array.isArray(existing)) {
    if (!existing.includes(value)) existing.push(value);
  } else {
    setField(target, path, [value]);
  }
}

/** Deep-merges `patch` into `target`; objects merge, everything else (arrays included) replaces. */
export function mergeInto(target: EcsEvent, patch: EcsEvent): EcsEvent {
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    const existing = getOwn(target, key);
    if (isPlainObject(value) && isPlainObject(existing)) {
      mergeInto(existing, value);
    } else {
      putOwn(target, key, value);
    }
  }
  return target;
}

export interface EventOrigin {
  module: string;
  dataset: string;
  /** ISO 8601 time the event happened; defaults to the receive time. */
  timestamp?: string;
}

/** The fields every parser stamps: time, ECS version, tenant, provenance and the raw text. */
export function newEvent(raw: string, ctx: ParseContext, origin: EventOrigin): EcsEvent {
  const event: EcsEvent = {
    '@timestamp': origin.timestamp ?? ctx.receivedAt,
    ecs: { version: ECS_VERSION },
    organization: { id: ctx.organization },
    event: { kind: 'event', module: origin.module, dataset: origin.dataset, original: raw },
    socle: { input: ctx.input },
  };
  if (ctx.peer) setField(event, 'log.source.address', ctx.peer);
  return event;
}

/** Parses a decimal port or other non-negative integer; undefined when the text is not one. */
export function toInteger(text: string | undefined): number | undefined {
  if (text === undefined || text.length === 0 || text.length > 15) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(text);
}

export function toPort(text: string | undefined): number | undefined {
  const n = toInteger(text);
  return n !== undefined && n <= 65535 ? n : undefined;
}
