import { readFile, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import type { Diagnostic } from './diagnostic.ts';
import { MANIFEST_FILE, manifestSchema, type Manifest } from './manifest.ts';
import { ruleKindOf, type RuleKind } from './rule-schema.ts';
import { readYamlSources, SHIPPED_PIPELINES, type TextSource } from './sources.ts';
import { parseYamlDocuments, type YamlDocument } from './yaml-documents.ts';
import { zodIssueDiagnostics } from './zod-diagnostics.ts';

/** One rule (one YAML document) of a package. */
export interface RuleDocument {
  /** Path for display (relative to the working directory). */
  file: string;
  /** Absolute path of the file. */
  path: string;
  doc: YamlDocument;
  value: Record<string, unknown>;
  kind: RuleKind;
  id?: string;
  name?: string;
  title?: string;
}

export interface DetectionPackage {
  dir: string;
  manifest?: Manifest;
  /** Rule files as texts, ready for the engine. */
  ruleSources: TextSource[];
  rules: RuleDocument[];
  pipelineSources: TextSource[];
  testSources: TextSource[];
  /** Problems found while loading: bad manifest, YAML syntax errors, missing pipelines. */
  diagnostics: Diagnostic[];
}

/** The manifest's name, else the folder's name (when the manifest is missing or invalid). */
export function packageName(pkg: DetectionPackage): string {
  return pkg.manifest?.name ?? basename(pkg.dir);
}

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads a package folder: manifest, rules, pipelines and tests. Throws only if `dir` is not a folder. */
export async function loadPackage(dir: string): Promise<DetectionPackage> {
  const root = resolve(dir);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`${dir}: not a package folder (expected a folder with ${MANIFEST_FILE})`);
  const diagnostics: Diagnostic[] = [];
  const manifest = await readManifest(root, diagnostics);

  const ruleSources = (await exists(join(root, 'rules'))) ? await readYamlSources([join(root, 'rules')]) : [];
  const rules = ruleSources.flatMap((src) => ruleDocuments(src, diagnostics));
  const testSources = (await exists(join(root, 'tests'))) ? await readYamlSources([join(root, 'tests')]) : [];
  const pipelineSources = await resolvePipelines(root, manifest, diagnostics);
  return { dir: root, manifest, ruleSources, rules, pipelineSources, testSources, diagnostics };
}

async function readManifest(root: string, diagnostics: Diagnostic[]): Promise<Manifest | undefined> {
  const path = join(root, MANIFEST_FILE);
  const file = displayPath(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    diagnostics.push({
      severity: 'error', code: 'manifest-missing', file, line: 1, column: 1,
      message: `no ${MANIFEST_FILE} in ${displayPath(root)}`,
      hint: 'create it with name, version, description, licence and socle (see packages/rules/README.md)',
    });
    return undefined;
  }
  const [doc] = parseYamlDocuments(text, file);
  if (!doc || doc.errors.length > 0) {
    for (const e of doc?.errors ?? []) diagnostics.push(syntaxDiagnostic(file, e));
    return undefined;
  }
  const parsed = manifestSchema.safeParse(doc.value ?? {});
  if (parsed.success) return parsed.data;
  diagnostics.push(...zodIssueDiagnostics(parsed.error.issues, doc, { code: 'manifest' }));
  return undefined;
}

function syntaxDiagnostic(file: string, e: { message: string; position: { line: number; column: number } }): Diagnostic {
  return {
    severity: 'error', code: 'yaml-syntax', file, line: e.position.line, column: e.position.column,
    message: `YAML syntax error: ${e.message}`,
    hint: 'check indentation, quoting and the ":" after each key',
  };
}

function ruleDocuments(src: TextSource, diagnostics: Diagnostic[]): RuleDocument[] {
  const file = displayPath(src.file);
  const out: RuleDocument[] = [];
  for (const doc of parseYamlDocuments(src.text, file)) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) diagnostics.push(syntaxDiagnostic(file, e));
      continue;
    }
    if (doc.value === undefined || doc.value === null) continue;
    if (typeof doc.value !== 'object' || Array.isArray(doc.value)) {
      const p = doc.positionOf([]);
      diagnostics.push({
        severity: 'error', code: 'schema', file, line: p.line, column: p.column,
        message: 'a rule must be a YAML mapping (title, logsource, detection, ...)',
      });
      continue;
    }
    const value = doc.value as Record<string, unknown>;
    const str = (k: string) => (typeof value[k] === 'string' ? (value[k] as string) : undefined);
    out.push({ file, path: src.file, doc, value, kind: ruleKindOf(value), id: str('id'), name: str('name'), title: str('title') });
  }
  return out;
}

/** Pipelines named in the manifest, else every file in the package's `pipelines/` folder. */
async function resolvePipelines(
  root: string,
  manifest: Manifest | undefined,
  diagnostics: Diagnostic[],
): Promise<TextSource[]> {
  const local = join(root, 'pipelines');
  if (!manifest?.pipelines) return (await exists(local)) ? readYamlSources([local]) : [];
  const out: TextSource[] = [];
  for (const name of manifest.pipelines) {
    const path = await findPipeline(name, local);
    if (path) out.push({ file: path, text: await readFile(path, 'utf8') });
    else
      diagnostics.push({
        severity: 'error', code: 'pipeline-missing', file: displayPath(join(root, MANIFEST_FILE)), line: 1, column: 1,
        message: `pipeline "${name}" not found in ${displayPath(local)} nor among the shipped pipelines`,
        hint: `shipped pipelines live in ${displayPath(SHIPPED_PIPELINES)}; use a file name without ".yml"`,
      });
  }
  return out;
}

export async function findPipeline(name: string, localDir?: string): Promise<string | undefined> {
  const bases = name.endsWith('.yml') || name.endsWith('.yaml') ? [name] : [`${name}.yml`, `${name}.yaml`];
  const dirs = localDir ? [localDir, SHIPPED_PIPELINES] : [SHIPPED_PIPELINES];
  for (const d of dirs) for (const b of bases) if (await exists(join(d, b))) return join(d, b);
  if (await exists(name)) return resolve(name);
  return undefined;
}
