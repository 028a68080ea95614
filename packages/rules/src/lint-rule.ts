/** Checks of one rule document: schema, keys, ids, tags, conditions, values, fields, correlation settings. */
import type { Diagnostic } from './diagnostic.ts';
import { ruleTechniques } from './attack-tags.ts';
import { conditionReferences, identifierPatternMatches } from './condition-references.ts';
import type { RuleDocument } from './package-loader.ts';
import { fieldOfDetectionKey, type FieldKnowledge } from './pipeline-fields.ts';
import { DEPRECATED_KEYS, KNOWN_KEYS } from './rule-keys.ts';
import { CORRELATION_TYPES, schemaFor } from './rule-schema.ts';
import { zodIssueDiagnostics } from './zod-diagnostics.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function warn(rule: RuleDocument, path: PropertyKey[], code: string, message: string, hint?: string): Diagnostic {
  const p = rule.doc.keyPositionOf(path);
  return { severity: 'warning', code, file: rule.file, line: p.line, column: p.column, ruleId: ruleLabel(rule), message, hint };
}

export function ruleLabel(rule: RuleDocument): string | undefined {
  return rule.id ?? rule.name ?? rule.title;
}

export function lintRule(rule: RuleDocument, knownFields: FieldKnowledge | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const v = rule.value;
  const parsed = schemaFor(rule.kind).safeParse(v);
  if (!parsed.success)
    out.push(...zodIssueDiagnostics(parsed.error.issues, rule.doc, { code: 'schema', ruleId: ruleLabel(rule) }));

  for (const key of Object.keys(v)) {
    if (key in DEPRECATED_KEYS) out.push(warn(rule, [key], 'deprecated', `"${key}" is deprecated`, DEPRECATED_KEYS[key]));
    else if (!KNOWN_KEYS[rule.kind].has(key))
      out.push(warn(rule, [key], 'unknown-key', `unknown key "${key}"`, 'custom data belongs under "socle:"; otherwise check the spelling'));
  }
  out.push(...deprecations(rule));

  if (rule.id === undefined)
    out.push(warn(rule, [], 'missing-id', 'the rule has no id', 'add "id:" with a new UUID (e.g. from `uuidgen`)'));
  else if (!UUID.test(rule.id))
    out.push(warn(rule, ['id'], 'id-format', `id "${rule.id}" is not a UUID`, 'Sigma ids are UUIDs (e.g. from `uuidgen`)'));

  if (rule.kind !== 'filter' && ruleTechniques(v).length === 0)
    out.push(warn(rule, ['tags'], 'missing-attack-tag', 'no ATT&CK technique tag', 'add a tag like "attack.t1110.001" so coverage counts the rule'));

  if (rule.kind === 'detection' || rule.kind === 'filter') {
    const section = rule.kind === 'detection' ? 'detection' : 'filter';
    out.push(...conditionProblems(rule, section));
    out.push(...valueShapeProblems(rule, section));
    if (knownFields) out.push(...unknownFields(rule, section, knownFields));
  }
  if (rule.kind === 'correlation') out.push(...correlationProblems(rule, knownFields));
  return out;
}

function deprecations(rule: RuleDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  const v = rule.value;
  for (const k of ['date', 'modified'] as const)
    if (typeof v[k] === 'string' && (v[k] as string).includes('/'))
      out.push(warn(rule, [k], 'deprecated', `"${k}: ${v[k]}" uses the v1 "/" date format`, 'write dates as YYYY-MM-DD'));
  const tags = Array.isArray(v.tags) ? v.tags : [];
  tags.forEach((t, i) => {
    if (typeof t === 'string' && /^attack\.[a-z]+_[a-z_]+$/.test(t))
      out.push(warn(rule, ['tags', i], 'deprecated', `tag "${t}" uses underscores`, `Sigma v2 tags use dashes: "${t.replace(/_/g, '-')}"`));
  });
  const related = Array.isArray(v.related) ? v.related : [];
  related.forEach((r, i) => {
    if (r && typeof r === 'object' && (r as { type?: unknown }).type === 'obsoletes')
      out.push(warn(rule, ['related', i, 'type'], 'deprecated', 'related type "obsoletes" was renamed', 'use "obsolete"'));
  });
  const detection = v.detection as Record<string, unknown> | undefined;
  if (detection && typeof detection === 'object' && 'timeframe' in detection)
    out.push(warn(rule, ['detection', 'timeframe'], 'deprecated', '"detection.timeframe" is deprecated', DEPRECATED_KEYS.timeframe));
  return out;
}

function conditionProblems(rule: RuleDocument, section: string): Diagnostic[] {
  const body = rule.value[section];
  if (!body || typeof body !== 'object') return [];
  const defined = Object.keys(body).filter((k) => k !== 'condition' && k !== 'timeframe' && k !== 'rules');
  const raw = (body as Record<string, unknown>).condition;
  const conditions = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((c) => typeof c === 'string') : [];
  const out: Diagnostic[] = [];
  const used = new Set<string>();
  conditions.forEach((c, i) => {
    const path = typeof raw === 'string' ? [section, 'condition'] : [section, 'condition', i];
    const refs = conditionReferences(c);
    if (refs.aggregation)
      out.push(warn(rule, path, 'deprecated', `condition "${c}" uses a v1 aggregation ("| ...")`, 'write a correlation rule (event_count, value_count, ...) instead'));
    for (const id of refs.identifiers) {
      if (defined.includes(id)) used.add(id);
      else out.push(warn(rule, path, 'undefined-identifier', `condition refers to "${id}", which ${section} does not define`, hintFor(id, defined)));
    }
    for (const p of refs.patterns) {
      if (p === 'them') continue;
      const matches = defined.filter((d) => identifierPatternMatches(p, d));
      if (matches.length === 0)
        out.push(warn(rule, path, 'undefined-identifier', `"of ${p}" matches no search identifier`, hintFor(p, defined)));
      matches.forEach((m) => used.add(m));
    }
    if (/\bthem\b/.test(c)) defined.forEach((d) => used.add(d));
  });
  return out;
}

/** Values must be scalars; a mapping among them is almost always an unquoted "word:" in a list. */
function valueShapeProblems(rule: RuleDocument, section: string): Diagnostic[] {
  const body = rule.value[section] as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return [];
  const out: Diagnostic[] = [];
  for (const [ident, value] of Object.entries(body)) {
    if (ident === 'condition' || ident === 'rules') continue;
    const maps = Array.isArray(value) ? value.map((m, i) => [m, [section, ident, i]] as const) : [[value, [section, ident]] as const];
    for (const [m, path] of maps) {
      if (!m || typeof m !== 'object' || Array.isArray(m)) continue;
      for (const [key, v] of Object.entries(m)) {
        (Array.isArray(v) ? v : [v]).forEach((item, i) => {
          if (item === null || typeof item !== 'object') return;
          const itemPath = Array.isArray(v) ? [...path, key, i] : [...path, key];
          const p = rule.doc.positionOf(itemPath);
          out.push({
            severity: 'error', code: 'value-type', file: rule.file, line: p.line, column: p.column, ruleId: ruleLabel(rule),
            message: `${itemPath.join('.')}: a value must be a string, number, boolean or null, not a ${Array.isArray(item) ? 'list' : 'mapping'}`,
            hint: 'quote values that end with ":" or contain ": ", e.g. - \'javascript:\'',
          });
        });
      }
    }
  }
  return out;
}

function hintFor(name: string, defined: string[]): string {
  return defined.length ? `defined identifiers: ${defined.join(', ')}` : `define "${name}:" under the detection`;
}

function unknownFields(rule: RuleDocument, section: string, known: FieldKnowledge): Diagnostic[] {
  const body = rule.value[section] as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return [];
  const out: Diagnostic[] = [];
  const check = (key: string, path: PropertyKey[]) => {
    const field = fieldOfDetectionKey(key);
    if (field && !known.knows(field))
      out.push(warn(rule, path, 'unknown-field', `field "${field}" is not known to the package's pipelines`, 'use an ECS field the collectors produce or add a mapping to the pipeline'));
  };
  for (const [ident, value] of Object.entries(body)) {
    if (ident === 'condition' || ident === 'rules') continue;
    const maps = Array.isArray(value) ? value.map((m, i) => [m, [section, ident, i]] as const) : [[value, [section, ident]] as const];
    for (const [m, path] of maps)
      if (m && typeof m === 'object' && !Array.isArray(m)) for (const key of Object.keys(m)) check(key, [...path, key]);
  }
  return out;
}

function correlationProblems(rule: RuleDocument, known: FieldKnowledge | undefined): Diagnostic[] {
  const c = rule.value.correlation as Record<string, unknown> | undefined;
  if (!c || typeof c !== 'object') return [];
  const out: Diagnostic[] = [];
  if (typeof c.type === 'string' && !(CORRELATION_TYPES as readonly string[]).includes(c.type))
    out.push(warn(rule, ['correlation', 'type'], 'unknown-correlation-type', `correlation type "${c.type}" is not a Sigma type`, `Sigma types: ${CORRELATION_TYPES.join(', ')}; the engine decides whether it knows this one`));
  const needsField = typeof c.type === 'string' && c.type.startsWith('value_');
  const cond = c.condition as Record<string, unknown> | undefined;
  if (needsField && (!cond || cond.field === undefined))
    out.push({ ...warn(rule, ['correlation', 'condition'], 'schema', `a ${c.type} correlation needs "condition.field"`, 'name the field whose values are counted or summed'), severity: 'error' });
  if (known) {
    const aliases = new Set(Object.keys((c.aliases as object) ?? {}));
    const groupBy = typeof c['group-by'] === 'string' ? [c['group-by']] : Array.isArray(c['group-by']) ? c['group-by'] : [];
    groupBy.forEach((f, i) => {
      if (typeof f === 'string' && !aliases.has(f) && !known.knows(f))
        out.push(warn(rule, ['correlation', 'group-by', i], 'unknown-field', `group-by field "${f}" is not known to the package's pipelines`));
    });
  }
  return out;
}
