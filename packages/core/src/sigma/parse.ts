import { errorMessage } from '../diagnostics/error-message.ts';
import { parseAllDocuments, visit, type Document } from 'yaml';
import { SigmaRuleError, type RuleLoadError } from './errors.ts';
import type {
  DetectionItem,
  LogSource,
  RuleMeta,
  SearchBody,
  SigmaDetectionRule,
  SigmaFilterRule,
  SigmaRule,
  SigmaScalar,
} from './model.ts';

export interface ParsedRules {
  rules: SigmaRule[];
  errors: RuleLoadError[];
}

const META_KEYS = new Set([
  'title', 'id', 'name', 'status', 'description', 'license', 'author', 'references', 'date', 'modified',
  'tags', 'level', 'falsepositives', 'fields', 'related', 'logsource', 'detection', 'correlation', 'filter',
  'taxonomy', 'scope',
]);

/** Parses a YAML text holding one or more Sigma rules (detection, correlation, filter). Never throws. */
export function parseSigmaYaml(text: string, file?: string): ParsedRules {
  const rules: SigmaRule[] = [];
  const errors: RuleLoadError[] = [];
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, index) => {
    const document = list.length > 1 ? index : undefined;
    if (doc.errors.length) {
      const e = doc.errors[0];
      const pos = e.linePos?.[0];
      errors.push({
        file,
        document,
        construct: pos ? `line ${pos.line}, column ${pos.col}` : 'yaml',
        reason: `YAML syntax error: ${e.message.split('\n')[0]}`,
      });
      return;
    }
    keepLeadingZeros(doc);
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    try {
      rules.push(parseSigmaRule(value, { file, document }));
    } catch (err) {
      const obj = isRecord(value) ? value : {};
      errors.push({
        file,
        document,
        id: typeof obj.id === 'string' ? obj.id : undefined,
        title: typeof obj.title === 'string' ? obj.title : undefined,
        construct: err instanceof SigmaRuleError ? err.construct : undefined,
        reason: errorMessage(err),
      });
    }
  });
  return { rules, errors };
}

/**
 * An unquoted number written with leading zeros (`00000429`, a keyboard layout id) stays text: YAML 1.2 reads
 * it as 429, while PyYAML, and so pySigma, keep the digits; as a number the value would match far more.
 */
function keepLeadingZeros(doc: Document.Parsed): void {
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'number' && node.source && /^[-+]?0[0-9_]+$/.test(node.source)) node.value = node.source;
    },
  });
}

/** Validates one parsed YAML document as a Sigma rule. Throws `SigmaRuleError`. */
export function parseSigmaRule(value: unknown, location: RuleMeta['location'] = {}): SigmaRule {
  if (!isRecord(value)) throw new SigmaRuleError('document', 'a Sigma rule must be a YAML map');
  if ('action' in value) {
    throw new SigmaRuleError('action', 'rule collections (action: global/reset/repeat) are Sigma v1 and are not supported');
  }
  const meta = parseMeta(value, location);
  if ('correlation' in value) {
    if (!isRecord(value.correlation)) throw new SigmaRuleError('correlation', 'must be a map');
    return { ...meta, type: 'correlation', correlation: value.correlation };
  }
  if ('filter' in value) return parseFilter(value, meta);
  if (!('detection' in value)) {
    throw new SigmaRuleError('detection', "missing: a rule needs 'detection', 'correlation' or 'filter'");
  }
  const logsource = parseLogSource(value.logsource);
  const { identifiers, conditions } = parseDetectionSection(value.detection, 'detection');
  const rule: SigmaDetectionRule = { ...meta, type: 'detection', logsource, identifiers, conditions, addedConditions: [] };
  return rule;
}

function parseFilter(value: Record<string, unknown>, meta: RuleMeta): SigmaFilterRule {
  const section = value.filter;
  if (!isRecord(section)) throw new SigmaRuleError('filter', 'must be a map with rules, selections and condition');
  const rulesValue = section.rules;
  const rules = typeof rulesValue === 'string' ? [rulesValue] : rulesValue;
  if (!Array.isArray(rules) || rules.length === 0 || !rules.every((r) => typeof r === 'string')) {
    throw new SigmaRuleError('filter.rules', 'must list the ids or names of the rules the filter applies to');
  }
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(section)) if (k !== 'rules') rest[k] = v;
  const { identifiers, conditions } = parseDetectionSection(rest, 'filter');
  return { ...meta, type: 'filter', logsource: parseLogSource(value.logsource ?? {}), identifiers, conditions, rules: rules as string[] };
}

function parseMeta(v: Record<string, unknown>, location: RuleMeta['location']): RuleMeta {
  const title = v.title;
  if (typeof title !== 'string' || !title.trim()) throw new SigmaRuleError('title', 'missing or not a string');
  const custom: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) if (!META_KEYS.has(k)) custom[k] = val;
  return {
    id: optionalString(v, 'id'),
    name: optionalString(v, 'name'),
    title,
    status: optionalString(v, 'status'),
    description: optionalString(v, 'description'),
    license: optionalString(v, 'license'),
    author: optionalString(v, 'author'),
    references: stringList(v, 'references'),
    date: optionalDate(v, 'date'),
    modified: optionalDate(v, 'modified'),
    tags: stringList(v, 'tags'),
    level: optionalString(v, 'level'),
    falsepositives: stringList(v, 'falsepositives'),
    fields: stringList(v, 'fields'),
    related: relatedList(v.related),
    custom,
    location,
  };
}

function parseLogSource(v: unknown): LogSource {
  if (v === undefined) throw new SigmaRuleError('logsource', 'missing');
  if (!isRecord(v)) throw new SigmaRuleError('logsource', 'must be a map');
  const out: LogSource = {};
  for (const key of ['product', 'category', 'service', 'definition'] as const) {
    const x = v[key];
    if (x === undefined || x === null) continue;
    if (typeof x !== 'string') throw new SigmaRuleError(`logsource.${key}`, 'must be a string');
    out[key] = x;
  }
  return out;
}

function parseDetectionSection(
  v: unknown,
  path: string,
): { identifiers: Map<string, SearchBody>; conditions: string[] } {
  if (!isRecord(v)) throw new SigmaRuleError(path, 'must be a map of search identifiers and a condition');
  const identifiers = new Map<string, SearchBody>();
  let conditions: string[] | undefined;
  for (const [key, value] of Object.entries(v)) {
    if (key === 'condition') {
      const list = Array.isArray(value) ? value : [value];
      if (!list.length || !list.every((c) => typeof c === 'string' && c.trim())) {
        throw new SigmaRuleError(`${path}.condition`, 'must be a non-empty string or list of strings');
      }
      conditions = list as string[];
    } else if (key === 'timeframe') {
      throw new SigmaRuleError(`${path}.timeframe`, 'timeframe in detection is Sigma v1 (aggregations); use a correlation rule');
    } else {
      identifiers.set(key, parseSearchIdentifier(value, `${path}.${key}`));
    }
  }
  if (!conditions) throw new SigmaRuleError(`${path}.condition`, 'missing');
  return { identifiers, conditions };
}

function parseSearchIdentifier(v: unknown, path: string): SearchBody {
  if (isRecord(v)) return parseMap(v, path);
  if (Array.isArray(v)) {
    if (v.length === 0) throw new SigmaRuleError(path, 'empty list');
    if (v.every(isRecord)) {
      return { kind: 'or', alternatives: v.map((m, i) => parseMap(m as Record<string, unknown>, `${path}[${i}]`)) };
    }
    if (v.some((x) => isRecord(x) || Array.isArray(x))) {
      throw new SigmaRuleError(path, 'a list must hold only maps or only plain values (keywords), not both');
    }
    return { kind: 'and', items: [{ field: null, modifiers: [], values: v.map((x) => scalar(x, path)) }] };
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
    return { kind: 'and', items: [{ field: null, modifiers: [], values: [v] }] };
  }
  throw new SigmaRuleError(path, 'a search identifier must be a map, a list or a keyword');
}

function parseMap(m: Record<string, unknown>, path: string): SearchBody {
  const items: DetectionItem[] = [];
  const entries = Object.entries(m);
  if (!entries.length) throw new SigmaRuleError(path, 'empty map');
  for (const [key, value] of entries) {
    const [field, ...modifiers] = key.split('|');
    const where = `${path}.${key}`;
    if (modifiers.some((x) => !x)) throw new SigmaRuleError(where, 'empty modifier name');
    let values: SigmaScalar[];
    if (Array.isArray(value)) {
      if (!value.length) throw new SigmaRuleError(where, 'empty value list');
      values = value.map((x) => scalar(x, where));
    } else {
      values = [scalar(value, where)];
    }
    items.push({ field: field === '' ? null : field, modifiers, values });
  }
  return { kind: 'and', items };
}

function scalar(x: unknown, path: string): SigmaScalar {
  if (x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return x;
  if (x instanceof Date) return x.toISOString();
  throw new SigmaRuleError(path, `values must be strings, numbers, booleans or null, not ${Array.isArray(x) ? 'a list' : typeof x}`);
}

function optionalString(v: Record<string, unknown>, key: string): string | undefined {
  const x = v[key];
  if (x === undefined || x === null) return undefined;
  if (typeof x === 'string') return x;
  if (typeof x === 'number') return String(x);
  throw new SigmaRuleError(key, 'must be a string');
}

function optionalDate(v: Record<string, unknown>, key: string): string | undefined {
  const x = v[key];
  if (x instanceof Date) return x.toISOString().slice(0, 10);
  return optionalString(v, key);
}

function stringList(v: Record<string, unknown>, key: string): string[] {
  const x = v[key];
  if (x === undefined || x === null) return [];
  const list = Array.isArray(x) ? x : [x];
  return list.filter((s) => s !== null && s !== undefined).map((s) => String(s));
}

function relatedList(x: unknown): { id: string; type: string }[] {
  if (!Array.isArray(x)) return [];
  return x.filter(isRecord).map((r) => ({ id: String(r.id ?? ''), type: String(r.type ?? '') }));
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Date);
}
