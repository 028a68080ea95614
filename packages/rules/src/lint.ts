import { compareDiagnostics, type Diagnostic } from './diagnostic.ts';
import { conditionReferences, identifierPatternMatches } from './condition-references.ts';
import { displayPath, loadPackage, type DetectionPackage, type RuleDocument } from './package-loader.ts';
import { fieldOfDetectionKey, pipelineKnownFields, type FieldKnowledge } from './pipeline-fields.ts';
import { DEPRECATED_KEYS, KNOWN_KEYS } from './rule-keys.ts';
import { CORRELATION_TYPES, schemaFor } from './rule-schema.ts';
import { engineRejections } from './engine-load.ts';
import { compareSemver, SOCLE_VERSION } from './version.ts';
import { zodIssueDiagnostics } from './zod-diagnostics.ts';
import { ruleTechniques } from './attack-tags.ts';

export interface LintResult {
  package: string;
  diagnostics: Diagnostic[];
  errors: number;
  warnings: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks a package: manifest, rule schemas, ids, tags, fields, conditions, and what the engine rejects. */
export async function lintPackage(dir: string): Promise<LintResult> {
  const pkg = await loadPackage(dir);
  const diagnostics = [...pkg.diagnostics];
  if (pkg.manifest && compareSemver(pkg.manifest.socle, SOCLE_VERSION) > 0) {
    diagnostics.push({
      severity: 'error', code: 'manifest', file: manifestFile(pkg), line: 1, column: 1,
      message: `the package needs Socle ${pkg.manifest.socle} but this is Socle ${SOCLE_VERSION}`,
      hint: 'upgrade Socle or lower "socle:" if the package does not use newer features',
    });
  }
  const knownFields = pipelineKnownFields(pkg.pipelineSources);
  for (const rule of pkg.rules) diagnostics.push(...lintRule(rule, knownFields));
  diagnostics.push(...duplicateIds(pkg.rules));
  diagnostics.push(...unknownRuleReferences(pkg.rules));
  diagnostics.push(...(await engineDiagnostics(pkg, diagnostics)));
  diagnostics.sort(compareDiagnostics);
  return {
    package: pkg.manifest?.name ?? pkg.dir,
    diagnostics,
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
  };
}

/** 0 clean, 1 errors (or warnings when strict). */
export function lintExitCode(result: LintResult, strict: boolean): number {
  return result.errors > 0 || (strict && result.warnings > 0) ? 1 : 0;
}

function manifestFile(pkg: DetectionPackage): string {
  return pkg.diagnostics.find((d) => d.code.startsWith('manifest'))?.file ?? `${pkg.dir}/socle-package.yml`;
}

function warn(rule: RuleDocument, path: PropertyKey[], code: string, message: string, hint?: string): Diagnostic {
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

function duplicateIds(rules: RuleDocument[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const key of ['id', 'name'] as const) {
    const first = new Map<string, RuleDocument>();
    for (const r of rules) {
      const value = r[key];
      if (value === undefined) continue;
      const prev = first.get(value);
      if (!prev) first.set(value, r);
      else {
        const p = prev.doc.keyPositionOf([key]);
        out.push(warn(r, [key], `duplicate-${key}`, `${key} "${value}" is also used by "${prev.title}" at ${prev.file}:${p.line}:${p.column}`, key === 'id' ? 'give each rule its own UUID' : 'rule names must be unique'));
      }
    }
  }
  return out;
}

function unknownRuleReferences(rules: RuleDocument[]): Diagnostic[] {
  const names = new Set(rules.flatMap((r) => [r.id, r.name].filter((x): x is string => !!x)));
  const out: Diagnostic[] = [];
  for (const r of rules) {
    if (r.kind === 'detection') continue;
    const section = r.kind === 'correlation' ? 'correlation' : 'filter';
    const refs = (r.value[section] as { rules?: unknown } | undefined)?.rules;
    const list = typeof refs === 'string' ? [refs] : Array.isArray(refs) ? refs : [];
    list.forEach((ref, i) => {
      if (typeof ref === 'string' && !names.has(ref))
        out.push(warn(r, typeof refs === 'string' ? [section, 'rules'] : [section, 'rules', i], 'unknown-rule-reference', `"${ref}" is neither the id nor the name of a rule in this package`));
    });
  }
  return out;
}

async function engineDiagnostics(pkg: DetectionPackage, already: Diagnostic[]): Promise<Diagnostic[]> {
  const syntaxBroken = new Set(already.filter((d) => d.code === 'yaml-syntax').map((d) => d.file));
  const out: Diagnostic[] = [];
  for (const rej of engineRejections(pkg)) {
    const file = rej.file ? displayPath(rej.file) : undefined;
    if (file && syntaxBroken.has(file)) continue; // already reported, with its position
    const rule =
      pkg.rules.find((r) => file === r.file && r.doc.index === (rej.document ?? 0)) ??
      pkg.rules.find((r) => (rej.id && r.id === rej.id) || (file === r.file && rej.title && r.title === rej.title));
    const path = rule && rej.construct ? pathFromConstruct(rule.value, rej.construct) : [];
    const pos = rule ? rule.doc.keyPositionOf(path) : { line: 1, column: 1 };
    out.push({
      severity: 'error', code: 'engine-rejected', file: rule?.file ?? file ?? pkg.dir, line: pos.line, column: pos.column,
      ruleId: rej.id ?? rej.title,
      message: `the engine rejects this rule: ${rej.construct ? rej.construct + ': ' : ''}${rej.reason}`,
    });
  }
  return out;
}

/**
 * Turns an engine construct such as `detection.selection.process.command_line|re` into a YAML path, matching
 * the longest key at each level because field names contain dots.
 */
export function pathFromConstruct(root: unknown, construct: string): PropertyKey[] {
  const parts = construct.split('.');
  const path: PropertyKey[] = [];
  let cur = root;
  let i = 0;
  while (i < parts.length && cur && typeof cur === 'object') {
    let matched = false;
    for (let j = parts.length; j > i; j--) {
      const key = parts.slice(i, j).join('.');
      const next = Array.isArray(cur) && /^\d+$/.test(key) ? Number(key) : key;
      if (next in (cur as object)) {
        path.push(next);
        cur = (cur as Record<PropertyKey, unknown>)[next];
        i = j;
        matched = true;
        break;
      }
    }
    if (!matched) break;
  }
  return path;
}
