/** Applies pipelines to a rule: transformations in order, then log-source recognition into `addedConditions`. */
import { isSearchBody, type DetectionItem, type LogSource, type SearchBody, type SigmaDetectionRule, type SigmaFilterRule } from '../sigma/model.ts';
import { cloneBody, fieldNames } from './body.ts';
import { describeLogsource, entryRecognisesRule } from './logsource.ts';
import type { Pipeline } from './model.ts';
import { applyTransformation, ruleConditionsHold, type ApplyState } from './transformations.ts';

export type ApplyResult<R extends SigmaDetectionRule | SigmaFilterRule = SigmaDetectionRule> =
  | {
      rule: R;
      /** Placeholder values of all pipelines merged (a later pipeline overrides an earlier one's name). */
      placeholders: Record<string, string[]>;
      /** `pipeline#n` (or `pipeline#n:id`) of each transformation that applied, in order. */
      appliedTransformations: string[];
    }
  | { notApplicable: string };

/** Pipelines by ascending priority; equal priorities keep their given order. */
export function orderPipelines(pipelines: readonly Pipeline[]): Pipeline[] {
  return [...pipelines].sort((a, b) => a.priority - b.priority);
}

export function mergePlaceholders(pipelines: readonly Pipeline[]): Record<string, string[]> {
  const merged = new Map<string, string[]>();
  for (const p of orderPipelines(pipelines)) {
    for (const [name, values] of Object.entries(p.placeholders)) merged.set(name, [...values]);
  }
  return Object.fromEntries(merged);
}

function runTransformations(state: ApplyState, ordered: Pipeline[], applied: string[]): ApplyState {
  for (const pipeline of ordered) {
    pipeline.transformations.forEach((t, i) => {
      if (!ruleConditionsHold(t, state)) return;
      state = applyTransformation(t, state);
      applied.push(`${pipeline.name}#${i + 1}${t.id ? `:${t.id}` : ''}`);
    });
  }
  return state;
}

/** The OR of the conditions of every entry that recognises the log source, or a reason why none does. */
function recognise(logsource: LogSource, ordered: Pipeline[]): SearchBody | { notApplicable: string } | undefined {
  const defining = ordered.filter((p) => p.logsources.length > 0);
  if (defining.length === 0) return undefined;
  const alternatives: SearchBody[] = [];
  const seen = new Set<string>();
  for (const p of defining) {
    for (const entry of p.logsources) {
      if (!entryRecognisesRule(entry.logsource, logsource)) continue;
      const bodies = entry.conditions.kind === 'or' ? entry.conditions.alternatives : [entry.conditions];
      for (const body of bodies) {
        const key = JSON.stringify(body);
        if (seen.has(key)) continue;
        seen.add(key);
        alternatives.push(cloneBody(isSearchBody(body) ? body : { kind: 'and', items: [body] }));
      }
    }
  }
  if (alternatives.length === 0) {
    const names = defining.map((p) => p.name).join(', ');
    return {
      notApplicable: `logsource ${describeLogsource(logsource)} is not recognised by pipeline${defining.length > 1 ? 's' : ''} ${names}`,
    };
  }
  return alternatives.length === 1 ? alternatives[0]! : { kind: 'or', alternatives };
}

/**
 * Applies `pipelines` to a detection or filter rule. Pure: the input rule and pipelines are left untouched.
 * Filter rules get field transformations only (no added conditions, no recognition).
 */
export function applyPipelines<R extends SigmaDetectionRule | SigmaFilterRule>(
  rule: R,
  pipelines: readonly Pipeline[],
): ApplyResult<R> {
  const ordered = orderPipelines(pipelines);
  const placeholders = mergePlaceholders(ordered);
  const applied: string[] = [];
  const isDetection = rule.type === 'detection';
  let state: ApplyState = {
    logsource: { ...rule.logsource },
    id: rule.id,
    tags: rule.tags,
    identifiers: new Map(rule.identifiers),
    addedConditions: isDetection ? (rule as SigmaDetectionRule).addedConditions.map(cloneBody) : [],
    acceptsConditions: isDetection,
    placeholders,
    mapped: new WeakSet(),
    mappedRefs: new WeakMap(),
  };
  state = runTransformations(state, ordered, applied);

  if (!isDetection) {
    return { rule: { ...rule, logsource: state.logsource, identifiers: state.identifiers }, placeholders, appliedTransformations: applied };
  }
  const recognised = recognise(state.logsource, ordered);
  if (recognised !== undefined && 'notApplicable' in recognised) {
    return { notApplicable: recognised.notApplicable };
  }
  const addedConditions = recognised === undefined ? state.addedConditions : [...state.addedConditions, recognised];
  const out = { ...rule, logsource: state.logsource, identifiers: state.identifiers, addedConditions };
  return { rule: out, placeholders, appliedTransformations: applied };
}

/**
 * The event field names a bare Sigma field name maps to for rules of `logsource` (e.g. a correlation's
 * `group-by`). Usually one name; several for a one-to-many mapping; none when a pipeline drops the field.
 * Rule conditions on tags and ids see `rule` when given, and fail otherwise.
 */
export function mapFieldName(
  name: string,
  logsource: LogSource,
  pipelines: readonly Pipeline[],
  rule?: { id?: string; tags?: string[] },
): string[] {
  const ordered = orderPipelines(pipelines);
  const item: DetectionItem = { field: name, modifiers: [], values: [] };
  const state: ApplyState = {
    logsource: { ...logsource },
    id: rule?.id,
    tags: rule?.tags ?? [],
    identifiers: new Map([['field', { kind: 'and', items: [item] }]]),
    addedConditions: [],
    acceptsConditions: false,
    placeholders: mergePlaceholders(ordered),
    mapped: new WeakSet(),
    mappedRefs: new WeakMap(),
  };
  const result = runTransformations(state, ordered, []);
  return fieldNames(result.identifiers.get('field')!);
}
