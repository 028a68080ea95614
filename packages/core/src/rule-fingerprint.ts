/**
 * Rule fingerprints: a hash of what a rule does once loaded, so a reload can tell an unchanged rule (whose
 * correlation and suppression state may carry over) from a changed one (whose state must start again).
 */
import { fnv1a64Hex } from './hash.ts';

/** Keys that only document a rule: editing them keeps its state. `location` is where it was read from. */
const DOCUMENTARY_KEYS = new Set(['location', 'description', 'references', 'falsepositives', 'author', 'date', 'modified', 'license']);

/** JSON with object keys sorted, Maps as entry lists and Sets as sorted lists: equal models, equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(normalise(value)) ?? 'null';
}

function normalise(value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [normalise(k), normalise(v)]) };
  if (value instanceof Set) return { $set: [...value].map((v) => stableJson(v)).sort() };
  if (value instanceof RegExp) return { $re: value.toString() };
  if (Array.isArray(value)) return value.map((v) => (v === undefined || typeof v === 'function' ? null : normalise(v)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined && typeof v !== 'function') out[key] = normalise(v);
    }
    return out;
  }
  return typeof value === 'bigint' ? value.toString() : value;
}

/** The rule model without its documentary keys. */
export function definitionOf(rule: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(rule)) if (!DOCUMENTARY_KEYS.has(key)) out[key] = v;
  return out;
}

/** 16 hex digits identifying `parts` (any JSON-like values, Maps and Sets included). */
export function fingerprint(parts: Record<string, unknown>): string {
  return fnv1a64Hex(stableJson(parts));
}
