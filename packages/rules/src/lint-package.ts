/** Checks across a package: test files, duplicate ids, references between rules, and the engine's verdict. */
import type { Diagnostic } from './diagnostic.ts';
import { engineRejections } from './engine-load.ts';
import { warn } from './lint-rule.ts';
import { displayPath, type DetectionPackage, type RuleDocument } from './package-loader.ts';
import { testFileSchema } from './test-format.ts';
import { parseYamlDocuments } from './yaml-documents.ts';
import { zodIssueDiagnostics } from './zod-diagnostics.ts';

/** Test files must follow the test format and name rules that exist. */
export function testFileProblems(pkg: DetectionPackage): Diagnostic[] {
  const names = new Set(pkg.rules.flatMap((r) => [r.id, r.name, r.title].filter((x): x is string => !!x)));
  const out: Diagnostic[] = [];
  for (const src of pkg.testSources) {
    const file = displayPath(src.file);
    for (const doc of parseYamlDocuments(src.text, file)) {
      if (doc.errors.length > 0) {
        for (const e of doc.errors)
          out.push({ severity: 'error', code: 'yaml-syntax', file, line: e.position.line, column: e.position.column, message: `YAML syntax error: ${e.message}` });
        continue;
      }
      if (doc.value == null) continue;
      const parsed = testFileSchema.safeParse(doc.value);
      if (!parsed.success) {
        out.push(...zodIssueDiagnostics(parsed.error.issues, doc, { code: 'test-format' }));
        continue;
      }
      const refs: Array<[string | undefined, PropertyKey[]]> = [[parsed.data.rule, ['rule']]];
      parsed.data.cases.forEach((c, i) => {
        c.expect.forEach((e, j) => refs.push([e.rule, ['cases', i, 'expect', j, 'rule']]));
        (c.only ?? []).forEach((o, j) => refs.push([o, ['cases', i, 'only', j]]));
      });
      for (const [ref, path] of refs) {
        if (ref === undefined || names.has(ref)) continue;
        const p = doc.positionOf(path);
        out.push({ severity: 'error', code: 'test-format', file, line: p.line, column: p.column, message: `rule "${ref}" is not in this package`, hint: "name a rule by its id, name or title" });
      }
    }
  }
  return out;
}

export function duplicateIds(rules: RuleDocument[]): Diagnostic[] {
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

export function unknownRuleReferences(rules: RuleDocument[]): Diagnostic[] {
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

export async function engineDiagnostics(pkg: DetectionPackage, already: Diagnostic[]): Promise<Diagnostic[]> {
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
