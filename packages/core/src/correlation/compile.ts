import type { CorrelationType, SigmaCorrelationRule } from '../sigma/model.ts';
import { CorrelationRuleError } from './errors.ts';
import { parseTimespan } from './timespan.ts';
import { ruleScopeOf, type RuleScope } from '../organization.ts';
import {
  THRESHOLD_OPERATORS,
  hasOnlyLowerBounds,
  hasOnlyUpperBounds,
  type Threshold,
  type ThresholdOperator,
} from './threshold.ts';
import {
  asConjunctionOfLiterals,
  containsNot,
  expressionRuleNames,
  parseRuleExpression,
  type RuleExpression,
} from './rule-expression.ts';

export type CorrelationKind = CorrelationType | 'value_min' | 'value_max';

/** Every correlation type the engine runs. */
export const CORRELATION_KINDS: readonly CorrelationKind[] = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_min',
  'value_max',
  'value_percentile',
  'value_median',
];
const VALUE_KINDS = new Set<CorrelationKind>([
  'value_count',
  'value_sum',
  'value_avg',
  'value_min',
  'value_max',
  'value_percentile',
  'value_median',
]);
const KNOWN_KEYS = new Set(['type', 'rules', 'group-by', 'timespan', 'condition', 'aliases', 'generate']);

/**
 * When a window is judged.
 * - `sliding`: on every event, over the events of the last timespan; fires as soon as the condition holds.
 *   Used when more events can only bring the value closer to the condition (count >= n, max > x, ...).
 * - `closing`: a window opens at a group's first event and is judged once, when the watermark passes its end.
 *   Used when the answer is only known at the end (count < n, averages, percentiles, medians, eq, neq).
 */
export type WindowMode = 'sliding' | 'closing';

export interface CompiledCorrelation {
  /** The rule id, or its name, or its title when it has neither. */
  id: string;
  name?: string;
  rule: SigmaCorrelationRule;
  type: CorrelationKind;
  timespanMs: number;
  /** Resolved ids of the referenced rules, in the listed order. */
  ruleIds: string[];
  groupBy: string[];
  /** group-by name -> referenced rule id -> event field. */
  aliases: Map<string, Map<string, string>>;
  generate: boolean;
  /** `socle.scope`: groups per organisation (default), or per SOC across its member organisations. */
  scope: RuleScope;
  mode: WindowMode;
  /** Numeric condition; for temporal types without one, "all referenced rules". */
  threshold: Threshold;
  /** value_* types: the field(s) whose values are aggregated. */
  field?: string[];
  /** value_percentile: which percentile (0-100). */
  percentile?: number;
  /** temporal types with a string condition without negation; names are resolved rule ids. */
  expression?: RuleExpression;
  /** temporal types with `not` in their condition: "positive rules, then none of the negated ones". */
  absence?: { positive: string[]; negated: string[] };
}

/** Validates a rule's `correlation:` section and resolves its rule references (by id or name) with `lookup`. */
export function compileCorrelationRule(
  rule: SigmaCorrelationRule,
  lookup: (ref: string) => { id: string } | undefined,
): CompiledCorrelation {
  const fail = (problem: string): never => {
    throw new CorrelationRuleError(rule, problem);
  };
  const c = rule.correlation;
  if (c === null || typeof c !== 'object' || Array.isArray(c)) fail('correlation must be a mapping');
  for (const key of Object.keys(c)) {
    if (!KNOWN_KEYS.has(key)) fail(`correlation.${key} is not a correlation attribute (expected one of ${[...KNOWN_KEYS].join(', ')})`);
  }

  const type = c.type as CorrelationKind;
  if (!CORRELATION_KINDS.includes(type)) fail(`correlation.type ${JSON.stringify(c.type)} is not one of ${CORRELATION_KINDS.join(', ')}`);
  const temporal = type === 'temporal' || type === 'temporal_ordered';

  const refs = typeof c.rules === 'string' ? [c.rules] : c.rules;
  if (!Array.isArray(refs) || refs.length === 0 || refs.some((r) => typeof r !== 'string' || r === '')) {
    fail('correlation.rules must be a non-empty list of rule ids or names');
  }
  const refToId = new Map<string, string>();
  for (const ref of refs as string[]) {
    const found = lookup(ref);
    if (!found) fail(`correlation.rules: no loaded rule has id or name '${ref}'`);
    refToId.set(ref, found!.id);
  }
  const ruleIds = (refs as string[]).map((r) => refToId.get(r)!);
  const ownId = rule.id ?? rule.name ?? rule.title;
  if (ruleIds.includes(ownId)) fail('correlation.rules references the rule itself');

  const rawGroupBy = c['group-by'] ?? [];
  const groupBy = typeof rawGroupBy === 'string' ? [rawGroupBy] : rawGroupBy;
  if (!Array.isArray(groupBy) || groupBy.some((g) => typeof g !== 'string' || g === '')) {
    fail('correlation.group-by must be a field name or a list of field names');
  }

  const span = parseTimespan(c.timespan);
  if ('error' in span) fail(`correlation.${span.error}`);
  const timespanMs = (span as { ms: number }).ms;

  const generate = c.generate ?? false;
  if (typeof generate !== 'boolean') fail(`correlation.generate must be true or false, got ${JSON.stringify(generate)}`);

  const aliases = compileAliases(c.aliases, refToId, lookup, fail);

  const scope = ruleScopeOf(rule.custom);
  if (typeof scope !== 'string') fail(`socle.scope ${scope.error}`);

  const compiled: CompiledCorrelation = {
    id: ownId,
    ...(rule.name !== undefined ? { name: rule.name } : {}),
    rule,
    type,
    timespanMs,
    ruleIds,
    groupBy: groupBy as string[],
    aliases,
    generate: generate as boolean,
    scope: scope as RuleScope,
    mode: 'sliding',
    threshold: {},
  };

  const cond = c.condition;
  if (temporal) {
    compileTemporalCondition(compiled, cond, refToId, fail);
  } else {
    if (cond === undefined) fail(`correlation.condition is required for ${type}`);
    if (typeof cond !== 'object' || cond === null || Array.isArray(cond)) {
      fail(`correlation.condition must be a mapping such as {gte: 10} for ${type}`);
    }
    compileThresholdCondition(compiled, cond as Record<string, unknown>, fail);
  }
  return compiled;
}

function compileAliases(
  raw: unknown,
  refToId: Map<string, string>,
  lookup: (ref: string) => { id: string } | undefined,
  fail: (p: string) => never,
): Map<string, Map<string, string>> {
  const aliases = new Map<string, Map<string, string>>();
  if (raw === undefined || raw === null) return aliases;
  if (typeof raw !== 'object' || Array.isArray(raw)) fail('correlation.aliases must be a mapping alias -> {rule: field}');
  const listed = new Set(refToId.values());
  for (const [alias, mapping] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
      fail(`correlation.aliases.${alias} must be a mapping of rule name -> field name`);
    }
    const perRule = new Map<string, string>();
    for (const [ref, field] of Object.entries(mapping as Record<string, unknown>)) {
      const id = refToId.get(ref) ?? lookup(ref)?.id;
      if (id === undefined || !listed.has(id)) {
        fail(`correlation.aliases.${alias}: '${ref}' is not one of the rules in correlation.rules`);
      }
      if (typeof field !== 'string' || field === '') fail(`correlation.aliases.${alias}.${ref} must be a field name`);
      perRule.set(id!, field as string);
    }
    aliases.set(alias, perRule);
  }
  return aliases;
}

function parseThreshold(cond: Record<string, unknown>, fail: (p: string) => never): Threshold {
  const threshold: Threshold = {};
  for (const op of THRESHOLD_OPERATORS) {
    if (!(op in cond)) continue;
    const v = cond[op];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`correlation.condition.${op} must be a number, got ${JSON.stringify(v)}`);
    threshold[op as ThresholdOperator] = v as number;
  }
  if (Object.keys(threshold).length === 0) fail(`correlation.condition needs one of ${THRESHOLD_OPERATORS.join(', ')}`);
  return threshold;
}

function compileThresholdCondition(
  compiled: CompiledCorrelation,
  cond: Record<string, unknown>,
  fail: (p: string) => never,
): void {
  const type = compiled.type;
  const allowed = new Set<string>([...THRESHOLD_OPERATORS, 'field', 'percentile']);
  for (const key of Object.keys(cond)) {
    if (!allowed.has(key)) fail(`correlation.condition.${key} is not a condition operator (${THRESHOLD_OPERATORS.join(', ')}) nor field/percentile`);
  }
  compiled.threshold = parseThreshold(cond, fail);

  if (VALUE_KINDS.has(type)) {
    const field = typeof cond.field === 'string' ? [cond.field] : cond.field;
    if (!Array.isArray(field) || field.length === 0 || field.some((f) => typeof f !== 'string' || f === '')) {
      fail(`correlation.condition.field is required for ${type} and must name a field`);
    }
    if (type !== 'value_count' && (field as string[]).length > 1) fail(`correlation.condition.field must be a single field for ${type}`);
    compiled.field = field as string[];
  } else if (cond.field !== undefined) {
    fail(`correlation.condition.field is only meaningful for value_* types, not ${type}`);
  }

  if (type === 'value_percentile') {
    const p = cond.percentile ?? 95;
    if (typeof p !== 'number' || !(p >= 0 && p <= 100)) fail(`correlation.condition.percentile must be a number from 0 to 100, got ${JSON.stringify(p)}`);
    compiled.percentile = p as number;
  } else if (cond.percentile !== undefined) {
    fail(`correlation.condition.percentile is only meaningful for value_percentile, not ${type}`);
  }

  const t = compiled.threshold;
  const growing = type === 'event_count' || type === 'value_count' || type === 'value_sum' || type === 'value_max';
  const sliding = (growing && hasOnlyLowerBounds(t)) || (type === 'value_min' && hasOnlyUpperBounds(t));
  compiled.mode = sliding ? 'sliding' : 'closing';
}

function compileTemporalCondition(
  compiled: CompiledCorrelation,
  cond: unknown,
  refToId: Map<string, string>,
  fail: (p: string) => never,
): void {
  const distinct = [...new Set(compiled.ruleIds)];
  if (cond === undefined || cond === null) {
    compiled.threshold = { gte: distinct.length };
    return;
  }
  if (typeof cond === 'object' && !Array.isArray(cond)) {
    const c = cond as Record<string, unknown>;
    for (const key of Object.keys(c)) {
      if (!(THRESHOLD_OPERATORS as readonly string[]).includes(key)) fail(`correlation.condition.${key} is not allowed for ${compiled.type}`);
    }
    const t = parseThreshold(c, fail);
    if (!hasOnlyLowerBounds(t)) fail(`correlation.condition for ${compiled.type} supports only gt/gte (how many of the rules matched)`);
    if (compiled.type === 'temporal_ordered' && !(t.gte === distinct.length && t.gt === undefined)) {
      fail(`correlation.condition for temporal_ordered must be gte: ${distinct.length} (all rules, in order) or a rule expression`);
    }
    compiled.threshold = t;
    return;
  }
  if (typeof cond !== 'string') fail('correlation.condition must be a mapping or a rule expression such as "a and not b"');
  let expr: RuleExpression;
  try {
    expr = parseRuleExpression(cond as string);
  } catch (e) {
    return fail(`correlation.condition: ${(e as Error).message}`);
  }
  const names = expressionRuleNames(expr);
  for (const n of names) if (!refToId.has(n)) fail(`correlation.condition names '${n}', which is not in correlation.rules`);
  for (const ref of refToId.keys()) if (!names.includes(ref)) fail(`correlation.rules lists '${ref}', which correlation.condition does not use`);
  const resolved = mapNames(expr, (n) => refToId.get(n)!);

  if (containsNot(resolved)) {
    const lits = asConjunctionOfLiterals(resolved);
    if (!lits || lits.positive.length === 0 || lits.negated.length === 0) {
      fail(`correlation.condition '${cond}': negation is supported as "a [and b ...] and not c [and not d ...]" only`);
    }
    const both = lits!.positive.filter((id) => lits!.negated.includes(id));
    if (both.length > 0) fail(`correlation.condition '${cond}' both requires and negates rule ${both[0]}`);
    const positive = compiled.ruleIds.filter((id, i) => lits!.positive.includes(id) && compiled.ruleIds.indexOf(id) === i);
    compiled.absence = { positive, negated: [...new Set(lits!.negated)] };
    compiled.threshold = { gte: positive.length };
    return;
  }
  if (compiled.type === 'temporal_ordered') {
    const lits = asConjunctionOfLiterals(resolved);
    if (!lits) fail(`correlation.condition '${cond}': temporal_ordered supports "a and b ..." (all rules, in the listed order) or negation`);
  }
  compiled.expression = resolved;
  compiled.threshold = { gte: distinct.length };
}

function mapNames(e: RuleExpression, f: (name: string) => string): RuleExpression {
  if (e.op === 'rule') return { op: 'rule', name: f(e.name) };
  if (e.op === 'not') return { op: 'not', arg: mapNames(e.arg, f) };
  return { op: e.op, args: e.args.map((a) => mapNames(a, f)) };
}
