import { isDeepStrictEqual } from 'node:util';
import { createEngine, type Alert, type Engine } from '@socle/core';
import { stringify } from 'yaml';
import { getField } from './field-path.ts';
import { displayPath, loadPackage, packageName, type DetectionPackage, type RuleDocument } from './package-loader.ts';
import type { TextSource } from './sources.ts';
import { expandEvents, testFileSchema, type Expectation, type TestCase, type TestFile } from './test-format.ts';
import { parseYamlDocuments } from './yaml-documents.ts';
import { zodIssueDiagnostics } from './zod-diagnostics.ts';
import { formatDiagnostic } from './diagnostic.ts';
import { ParsedRulesFileCache } from './parsed-rules-file-cache.ts';

export interface CaseResult {
  file: string;
  line: number;
  name: string;
  passed: boolean;
  /** Human-readable lines explaining each failed expectation. */
  failures: string[];
  /** Alerts produced, by rule label, for the failure report. */
  produced: Record<string, number>;
}

export interface PackageTestResult {
  package: string;
  cases: CaseResult[];
  passed: number;
  failed: number;
  /** Problems that stopped tests from running at all (unreadable test file, rules the engine rejected). */
  errors: string[];
}

/** Runs every test file of a package against the engine loaded with the package's rules and pipelines. */
export async function testPackage(dir: string): Promise<PackageTestResult> {
  const pkg = await loadPackage(dir);
  const errors = pkg.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  const cases: CaseResult[] = [];
  const engines = new EngineCache(pkg);
  for (const r of engines.get(undefined, [])!.rejected)
    errors.push(`${r.file ? displayPath(r.file) : pkg.dir}: rule ${r.id ?? r.title ?? '?'} rejected by the engine: ${r.construct ? r.construct + ': ' : ''}${r.reason}`);
  const labels = ruleLabels(pkg);
  for (const src of pkg.testSources) {
    const file = displayPath(src.file);
    const docs = parseYamlDocuments(src.text, file);
    for (const doc of docs) {
      if (doc.errors.length > 0) {
        for (const e of doc.errors) errors.push(`${file}:${e.position.line}:${e.position.column}: YAML syntax error: ${e.message}`);
        continue;
      }
      if (doc.value == null) continue;
      const parsed = testFileSchema.safeParse(doc.value);
      if (!parsed.success) {
        for (const d of zodIssueDiagnostics(parsed.error.issues, doc, { code: 'test-format' })) errors.push(formatDiagnostic(d));
        continue;
      }
      parsed.data.cases.forEach((testCase, i) => {
        const line = doc.positionOf(['cases', i]).line;
        cases.push(runCase(engines, parsed.data, testCase, { file, line }, labels));
      });
    }
  }
  const failed = cases.filter((c) => !c.passed).length;
  return { package: packageName(pkg), cases, passed: cases.length - failed, failed, errors };
}

export function testExitCode(result: PackageTestResult): number {
  return result.failed > 0 || result.errors.length > 0 ? 1 : 0;
}

/** Maps every id, name and title of the package's rules to the rule's id (or name when it has no id). */
function ruleLabels(pkg: DetectionPackage): Map<string, { key: string; label: string }> {
  const map = new Map<string, { key: string; label: string }>();
  for (const r of pkg.rules) {
    const key = r.id ?? r.name ?? r.title;
    if (!key) continue;
    const label = r.name ?? r.title ?? key;
    for (const alias of [r.id, r.name, r.title]) if (alias && !map.has(alias)) map.set(alias, { key, label });
  }
  return map;
}

/**
 * One engine per rule selection, reset between cases by restoring the snapshot taken when it was new:
 * compiling the rules and pipelines once keeps a package's tests fast.
 */
class EngineCache {
  private readonly engines = new Map<string, { engine: Engine; fresh: Uint8Array }>();
  /** Parses shared by the engines of every selection, and kept for the next run (saved after the first load). */
  private readonly parsed: ParsedRulesFileCache;
  constructor(readonly pkg: DetectionPackage) {
    this.parsed = ParsedRulesFileCache.open(pkg.ruleSources.map((r) => r.file), undefined, { saveAfterLoad: true });
  }

  /** A fresh engine for the whole package, or for `only` and the rules it references. */
  get(only: string[] | undefined, failures: string[]): Engine | undefined {
    const key = only ? JSON.stringify([...only].sort()) : '*';
    let entry = this.engines.get(key);
    if (!entry) {
      const rules = only ? selectRules(this.pkg, only, failures) : this.pkg.ruleSources;
      if (failures.length > 0) return undefined;
      const engine = createEngine({ rules, pipelines: this.pkg.pipelineSources, includeEvent: true, parsedRulesCache: this.parsed });
      entry = { engine, fresh: engine.snapshot() };
      this.engines.set(key, entry);
    } else entry.engine.restore(entry.fresh);
    return entry.engine;
  }
}

function runCase(
  engines: EngineCache,
  file: TestFile,
  testCase: TestCase,
  where: { file: string; line: number },
  labels: Map<string, { key: string; label: string }>,
): CaseResult {
  const failures: string[] = [];
  const events = expandEvents(testCase.events, file.defaults);
  events.forEach((e, i) => {
    if (Number.isNaN(Date.parse(String(e['@timestamp']))))
      failures.push(`event ${i + 1} has no valid "@timestamp" (got ${JSON.stringify(e['@timestamp'])})`);
  });
  let alerts: Alert[] = [];
  if (failures.length === 0) {
    const engine = engines.get(testCase.only, failures);
    if (engine) alerts = replay(engine, events, testCase.until);
  }
  const keyOf = (a: Alert) => labels.get(a.rule.id)?.key ?? labels.get(a.rule.name)?.key ?? a.rule.id;
  const produced: Record<string, number> = {};
  for (const a of alerts) {
    const label = labels.get(keyOf(a))?.label ?? a.rule.name ?? a.rule.id;
    produced[label] = (produced[label] ?? 0) + 1;
  }
  const named = new Set<string>();
  for (const exp of testCase.expect) {
    const ref = exp.rule ?? file.rule;
    if (!ref) {
      failures.push('an expectation names no rule and the file has no default "rule:"');
      continue;
    }
    const target = labels.get(ref);
    if (!target) {
      failures.push(`rule "${ref}" is not in this package (give its id, name or title)`);
      continue;
    }
    named.add(target.key);
    failures.push(...checkExpectation(exp, target.label, alerts.filter((a) => keyOf(a) === target.key)));
  }
  if (testCase.exclusive) {
    const others = alerts.filter((a) => !named.has(keyOf(a)));
    if (others.length > 0)
      failures.push(`exclusive: ${others.length} unexpected alert(s) from ${[...new Set(others.map((a) => a.rule.name ?? a.rule.id))].join(', ')}`);
  }
  return { ...where, name: testCase.name, passed: failures.length === 0, failures, produced };
}

/** The named rules and, transitively, the rules their correlations reference, as one text per rule. */
function selectRules(pkg: DetectionPackage, names: string[], failures: string[]): TextSource[] {
  const find = (ref: string) => pkg.rules.find((r) => r.id === ref || r.name === ref || r.title === ref);
  const chosen = new Set<RuleDocument>();
  const queue = [...names];
  while (queue.length > 0) {
    const ref = queue.shift()!;
    const rule = find(ref);
    if (!rule) {
      if (names.includes(ref)) failures.push(`only: rule "${ref}" is not in this package`);
      continue;
    }
    if (chosen.has(rule)) continue;
    chosen.add(rule);
    const refs = (rule.value.correlation as { rules?: unknown } | undefined)?.rules;
    for (const r of typeof refs === 'string' ? [refs] : Array.isArray(refs) ? refs : []) if (typeof r === 'string') queue.push(r);
  }
  return [...chosen].map((r) => ({ file: r.path, text: stringify(r.value) }));
}

/**
 * Feeds the events, advances to `until`, flushes. An alert re-emitted with the same `event.id` (the final
 * update of a suppressed alert) replaces the first, as in an alert store that upserts by id.
 */
function replay(engine: Engine, events: Record<string, unknown>[], until: string | undefined): Alert[] {
  const byId = new Map<string, Alert>();
  const keep = (alerts: Alert[]) => alerts.forEach((a) => byId.set(a.event.id, a));
  events.forEach((e, i) => keep(engine.process(e, { id: `event-${i + 1}` })));
  if (until) keep(engine.advanceWatermark(Date.parse(until)));
  keep(engine.flush());
  return [...byId.values()];
}

function checkExpectation(exp: Expectation, label: string, alerts: Alert[]): string[] {
  const want = exp.count ?? 1;
  const out: string[] = [];
  if (alerts.length !== want) out.push(`rule "${label}": expected ${want} alert(s), got ${alerts.length}`);
  if (exp.fields && alerts.length > 0 && !alerts.some((a) => fieldsMatch(a, exp.fields!))) {
    out.push(`rule "${label}": no alert has the expected fields`);
    const closest = alerts[0];
    for (const [field, expected] of Object.entries(exp.fields)) {
      const actual = alertField(closest, field);
      const mark = valuesEqual(actual, expected) ? ' ' : '✗';
      out.push(`    ${mark} ${field}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
  }
  return out;
}

function fieldsMatch(alert: Alert, fields: Record<string, unknown>): boolean {
  return Object.entries(fields).every(([f, v]) => valuesEqual(alertField(alert, f), v));
}

/** A field of the alert, else of the matched event, else of the correlation group. */
export function alertField(alert: Alert, field: string): unknown {
  return (
    getField(alert, field) ??
    getField(alert['socle.event'], field) ??
    getField((alert.socle as { correlation?: { group?: unknown } } | undefined)?.correlation?.group, field)
  );
}

function valuesEqual(actual: unknown, expected: unknown): boolean {
  if (isDeepStrictEqual(actual, expected)) return true;
  // YAML numbers vs strings in events (ports, codes) compare by text.
  return actual !== undefined && actual !== null && typeof expected !== 'object' && String(actual) === String(expected);
}
