/** One function per transformation type; each maps an application state to the next, without mutating inputs. */
import type { DetectionItem, LogSource, SearchBody, SigmaScalar } from '../sigma/model.ts';
import { cloneBody, rewriteBody, type ItemRewrite } from './body.ts';
import { selectorMatchesRule } from './logsource.ts';
import type { FieldNameConditions, Transformation } from './model.ts';

/** What transformations read and replace while a rule goes through the pipelines. */
export interface ApplyState {
  logsource: LogSource;
  id: string | undefined;
  tags: string[];
  identifiers: Map<string, SearchBody>;
  addedConditions: SearchBody[];
  /** Whether `add_condition` has somewhere to go (filter rules have no added conditions). */
  acceptsConditions: boolean;
  placeholders: Record<string, string[]>;
  /** Items whose field name a transformation has already changed (for `only_unmapped`). */
  mapped: WeakSet<DetectionItem>;
  /** Per `fieldref` item, the referenced names a transformation has already changed. */
  mappedRefs: WeakMap<DetectionItem, ReadonlySet<string>>;
}

export function ruleConditionsHold(t: Transformation, state: ApplyState): boolean {
  if (t.ruleConditions.length === 0) return true;
  const holds = (c: Transformation['ruleConditions'][number]): boolean => {
    switch (c.kind) {
      case 'logsource':
        return selectorMatchesRule(c.logsource, state.logsource);
      case 'tag':
        return state.tags.some((tag) => tag.toLowerCase() === c.tag.toLowerCase());
      case 'rule_id':
        return state.id !== undefined && state.id.toLowerCase() === c.id.toLowerCase();
    }
  };
  return t.ruleConditionsMode === 'any' ? t.ruleConditions.some(holds) : t.ruleConditions.every(holds);
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function nameMatches(patterns: string[], name: string): boolean {
  return patterns.some((p) => (p.includes('*') ? globToRegExp(p).test(name) : p === name));
}

export function fieldSelected(conditions: FieldNameConditions | undefined, field: string): boolean {
  if (!conditions) return true;
  if (conditions.include && !nameMatches(conditions.include, field)) return false;
  if (conditions.exclude && nameMatches(conditions.exclude, field)) return false;
  return true;
}

const PLACEHOLDER = /%([^%\s]+)%/g;

/** All expansions of a value's `%name%` placeholders, or undefined when one of them has no values here. */
function expandPlaceholders(value: string, lookup: (name: string) => string[] | undefined): string[] | undefined {
  let results = [''];
  let last = 0;
  for (const match of value.matchAll(PLACEHOLDER)) {
    const values = lookup(match[1]!);
    if (values === undefined) return undefined;
    const literal = value.slice(last, match.index);
    results = results.flatMap((r) => values.map((v) => r + literal + v));
    last = match.index! + match[0].length;
  }
  const tail = value.slice(last);
  return results.map((r) => r + tail);
}

/** A copy of `item` with `changes`, remembered as renamed (or with renamed field references) as `item` was. */
function derived(state: ApplyState, item: DetectionItem, changes: Partial<DetectionItem>): DetectionItem {
  const next: DetectionItem = { field: item.field, modifiers: item.modifiers, values: item.values, ...changes };
  if (state.mapped.has(item)) state.mapped.add(next);
  const refs = state.mappedRefs.get(item);
  if (refs) state.mappedRefs.set(next, refs);
  return next;
}

function renamed(state: ApplyState, item: DetectionItem, field: string): DetectionItem {
  const next = derived(state, item, { field });
  state.mapped.add(next);
  return next;
}

/**
 * What a field name transformation makes of one name: its new names, or null when it leaves the name as it is.
 * `mappedBefore`: an earlier transformation renamed it already (what `only_unmapped` looks at).
 */
type NameRewrite = (name: string, mappedBefore: boolean) => string[] | null;

function nameRewrite(t: Transformation): NameRewrite | null {
  switch (t.type) {
    case 'field_name_mapping':
      return (name) => t.mapping.get(name) ?? null;
    case 'field_name_prefix_mapping':
      return (name) => {
        let best: string | undefined;
        for (const prefix of t.mapping.keys()) {
          if (name.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
        }
        return best === undefined ? null : [t.mapping.get(best)! + name.slice(best.length)];
      };
    case 'field_name_prefix':
      return (name, mappedBefore) => (t.onlyUnmapped && mappedBefore ? null : t.prefix.map((p) => p + name));
    case 'field_name_suffix':
      return (name, mappedBefore) => (t.onlyUnmapped && mappedBefore ? null : [name + t.suffix]);
    default:
      return null;
  }
}

/**
 * The field names a `fieldref` item's values name go through the same renaming as field names (as in pySigma),
 * each one chosen by the field name conditions on its own name; a one-to-many mapping gives one reference each.
 */
function renameReferences(state: ApplyState, item: DetectionItem, rename: NameRewrite, conditions: FieldNameConditions | undefined): DetectionItem {
  if (!item.modifiers.some((m) => m.toLowerCase() === 'fieldref')) return item;
  const before = state.mappedRefs.get(item);
  const after = new Set(before);
  let changed = false;
  const values = item.values.flatMap((v) => {
    if (typeof v !== 'string' || !fieldSelected(conditions, v)) return [v];
    const names = rename(v, before?.has(v) ?? false);
    if (names === null) return [v];
    changed = true;
    for (const n of names) after.add(n);
    return names;
  });
  if (!changed) return item;
  const next = derived(state, item, { values });
  state.mappedRefs.set(next, after);
  return next;
}

/** Builds the per-item rewrite of a field transformation, or null for transformations that are not per-item. */
function itemRewrite(t: Transformation, state: ApplyState): ItemRewrite | null {
  const rename = nameRewrite(t);
  if (rename !== null) {
    return (item) => {
      const next = renameReferences(state, item, rename, t.fieldNameConditions);
      if (next.field === null || !fieldSelected(t.fieldNameConditions, next.field)) return next;
      const names = rename(next.field, state.mapped.has(next));
      if (names === null) return next;
      if (names.length === 1) return renamed(state, next, names[0]!);
      return { kind: 'or', alternatives: names.map((name) => renamed(state, next, name)) };
    };
  }
  switch (t.type) {
    case 'drop_detection_item':
      return (item) => (item.field !== null && fieldSelected(t.fieldNameConditions, item.field) ? null : item);
    case 'value_placeholders': {
      const lookup = (name: string) =>
        t.names && !t.names.includes(name) ? undefined : state.placeholders[name];
      return (item) => {
        if (!item.modifiers.includes('expand')) return item;
        if (item.field !== null && !fieldSelected(t.fieldNameConditions, item.field)) return item;
        const values: SigmaScalar[] = [];
        for (const v of item.values) {
          if (typeof v !== 'string') {
            values.push(v);
            continue;
          }
          const expanded = expandPlaceholders(v, lookup);
          // Leave the item for the compiler when any placeholder is unknown here (the engine may know it).
          if (expanded === undefined) return item;
          values.push(...expanded);
        }
        return derived(state, item, { modifiers: item.modifiers.filter((m) => m !== 'expand'), values });
      };
    }
    default:
      return null;
  }
}

export function applyTransformation(t: Transformation, state: ApplyState): ApplyState {
  if (t.type === 'add_condition') {
    if (!state.acceptsConditions) return state;
    return { ...state, addedConditions: [...state.addedConditions, cloneBody(t.condition)] };
  }
  if (t.type === 'change_logsource') {
    return { ...state, logsource: { ...state.logsource, ...t.logsource } };
  }
  const fn = itemRewrite(t, state);
  if (fn === null) return state;
  const identifiers = new Map<string, SearchBody>();
  for (const [name, body] of state.identifiers) identifiers.set(name, rewriteBody(body, fn));
  return { ...state, identifiers };
}
