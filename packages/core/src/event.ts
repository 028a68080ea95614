import { MAX_EVENT_DEPTH, tooDeep } from './invalid-event.ts';

/** An event is a JSON object; field names may be nested (`{process: {pid: 1}}`) or flat with dots (`{"process.pid": 1}`). */
export type SocleEvent = Record<string, unknown>;

/** Reads one field from events. Compiled once per field name; see `compileFieldGetter`. */
export type FieldGetter = (event: SocleEvent) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Compiles access to a field name that may be written nested, flat with dots, or any mix of the two
 * (`{"process": {"parent.name": "x"}}`). Arrays met on the way are searched element-wise, and the result
 * is then an array of every value found (so "any element matches" holds). A missing field gives `undefined`.
 * Where an event spells one field two ways, the more nested spelling that leads to it is read. Events are JSON
 * data: a key whose value is `undefined` counts as absent, and of the names every object inherits (`constructor`,
 * `toString`, ...) only the event's own are read. Arrays nested deeper than `MAX_EVENT_DEPTH` throw
 * `InvalidEventError` ('too-deep'). A part that is exactly `*` stands for any key of the object there
 * (`Event.UserData.*.Consumer`, where the key names the event's template): the values found under every key are
 * read like an array's.
 */
export function compileFieldGetter(name: string): FieldGetter {
  const star = name.split('.').indexOf('*');
  if (star >= 0) return wildcardGetter(name.split('.'), star);
  if (!name.includes('.')) {
    if (name in Object.prototype) return (event) => (hasOwn.call(event, name) ? event[name] : undefined);
    return (event) => event[name];
  }
  const parts = name.split('.');
  const n = parts.length;
  // keys[i]: the keys that can start at part i, shortest (the nested spelling, what events mostly hold) first:
  // `row[k]` joins parts i..i+k. A longer, dotted key is only looked for where the shorter ones do not lead on.
  const keys: string[][] = [];
  for (let i = 0; i < n; i++) {
    const row: string[] = [];
    for (let j = i + 1; j <= n; j++) row.push(parts.slice(i, j).join('.'));
    keys.push(row);
  }
  const inherited = keys.map((row) => row.map((key) => key in Object.prototype));
  // `depth`: the levels of objects and arrays above `node` (the event is at 0).
  const resolve = (node: unknown, i: number, depth: number): unknown => {
    if (node === null || typeof node !== 'object') return undefined;
    if (depth === MAX_EVENT_DEPTH) throw tooDeep(name);
    if (Array.isArray(node)) {
      let found: unknown[] | undefined;
      for (const el of node) {
        const v = resolve(el, i, depth + 1);
        if (v === undefined) continue;
        found ??= [];
        if (Array.isArray(v)) found.push(...v);
        else found.push(v);
      }
      return found;
    }
    const obj = node as Record<string, unknown>;
    const row = keys[i];
    for (let k = 0; k < row.length; k++) {
      const key = row[k];
      // One read instead of a presence check and a read: JSON values are never undefined, so an undefined read
      // is an absent key, but for the names every object inherits (checked for presence first).
      const value = obj[key];
      if (value === undefined || (inherited[i][k] && !hasOwn.call(obj, key))) continue;
      const end = i + k + 1;
      if (end === n) return value;
      const v = resolve(value, end, depth + 1);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  return (event) => resolve(event, 0, 0);
}

/** A getter for a name whose part `star` is `*`: the parts before lead to an object, any key of which leads on. */
function wildcardGetter(parts: string[], star: number): FieldGetter {
  const before: FieldGetter = star > 0 ? compileFieldGetter(parts.slice(0, star).join('.')) : (event) => event;
  const rest = parts.slice(star + 1).join('.');
  const after = rest ? compileFieldGetter(rest) : undefined;
  const collect = (node: unknown, found: unknown[]): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      // an array here holds the objects whose keys are meant (as field access reads arrays everywhere)
      for (const el of node) if (el !== null && typeof el === 'object' && !Array.isArray(el)) collect(el, found);
      return;
    }
    for (const key of Object.keys(node)) {
      const child = (node as Record<string, unknown>)[key];
      const v = after === undefined ? child : child !== null && typeof child === 'object' && !Array.isArray(child) ? after(child as SocleEvent) : undefined;
      if (v === undefined) continue;
      if (Array.isArray(v)) found.push(...v);
      else found.push(v);
    }
  };
  return (event) => {
    const found: unknown[] = [];
    collect(before(event), found);
    return found.length === 0 ? undefined : found.length === 1 ? found[0] : found;
  };
}

export function isWildcardField(name: string): boolean {
  return name === '*' || name.startsWith('*.') || name.endsWith('.*') || name.includes('.*.');
}

/** Convenience for one-off reads; compile a getter instead on hot paths. */
export function getField(event: SocleEvent, name: string): unknown {
  return compileFieldGetter(name)(event);
}
