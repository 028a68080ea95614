/**
 * The Sigma rule model: what a rule says, after YAML parsing and validation, before compilation.
 * Pipelines transform this model (field names, added conditions); the compiler turns it into matchers.
 */

/** A scalar value as written in a rule. Strings keep their Sigma escapes (`\*`, `\?`, `\\`) until compilation. */
export type SigmaScalar = string | number | boolean | null;

/** `field|mod1|mod2: values` — or a keyword search when `field` is null. */
export interface DetectionItem {
  field: string | null;
  modifiers: string[];
  values: SigmaScalar[];
}

/**
 * A search identifier's body.
 * - `and`: a map; every item must match.
 * - `or`: a list of maps; one must match.
 * A keyword list is an `and` with one item whose `field` is null. Pipelines may replace an item by a nested
 * body, e.g. a field mapped to two event fields becomes an `or` of two items.
 */
export type SearchBody =
  | { kind: 'and'; items: Array<DetectionItem | SearchBody> }
  | { kind: 'or'; alternatives: Array<DetectionItem | SearchBody> };

export function isSearchBody(x: DetectionItem | SearchBody): x is SearchBody {
  return 'kind' in x;
}

export interface LogSource {
  product?: string;
  category?: string;
  service?: string;
  definition?: string;
}

export interface RuleLocation {
  /** File the rule came from, when it came from a file. */
  file?: string;
  /** 0-based index of the YAML document inside a multi-document file. */
  document?: number;
}

export interface RuleMeta {
  id?: string;
  name?: string;
  title: string;
  status?: string;
  description?: string;
  license?: string;
  author?: string;
  references: string[];
  date?: string;
  modified?: string;
  tags: string[];
  level?: string;
  falsepositives: string[];
  fields: string[];
  related: { id: string; type: string }[];
  /** Keys the specification does not define, kept for extensions (e.g. `socle:`). */
  custom: Record<string, unknown>;
  location: RuleLocation;
}

export interface SigmaDetectionRule extends RuleMeta {
  type: 'detection';
  logsource: LogSource;
  /** Search identifiers by name, in rule order. */
  identifiers: Map<string, SearchBody>;
  /** Condition strings; several are OR-ed. */
  conditions: string[];
  /**
   * Conditions added by pipelines (e.g. the logsource's EventID/Channel); AND-ed with the rule's condition.
   * They are also what the engine indexes events by.
   */
  addedConditions: SearchBody[];
}

/** A Sigma filter rule (v2): excludes matches of the referenced rules when its condition holds. */
export interface SigmaFilterRule extends RuleMeta {
  type: 'filter';
  logsource: LogSource;
  identifiers: Map<string, SearchBody>;
  conditions: string[];
  /** Rule ids or names the filter applies to. */
  rules: string[];
}

export type TimespanUnit = 's' | 'm' | 'h' | 'd' | 'w' | 'M' | 'y';

export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_min'
  | 'value_max'
  | 'value_percentile'
  | 'value_median';

export interface SigmaCorrelationRule extends RuleMeta {
  type: 'correlation';
  /** The raw `correlation:` section; the correlation package validates and compiles it. */
  correlation: Record<string, unknown>;
}

export type SigmaRule = SigmaDetectionRule | SigmaFilterRule | SigmaCorrelationRule;
