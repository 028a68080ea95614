import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { fieldOfDetectionKey, pipelineKnownFields, type FieldKnowledge } from './pipeline-fields.ts';
import { MANIFEST_FILE } from './manifest.ts';
import { listSources, type RejectedRule } from './rule-listing.ts';
import { readPipelineSources, readYamlSources, type TextSource } from './sources.ts';
import { SOCLE_VERSION } from './version.ts';

export interface ImportReport {
  source: string;
  files: number;
  loaded: number;
  rejected: RejectedRule[];
  /** Detection fields the chosen pipelines do not know, with how many rules use each (empty without pipelines). */
  uncoveredFields: { field: string; rules: number }[];
  /** The package folder written, when `out` was given. */
  out?: string;
  /** Files copied into the package (those whose every rule loaded). */
  written: number;
}

export interface ImportOptions {
  pipelines?: string[];
  out?: string;
}

/** Loads a Sigma rule tree into the engine, reports what loaded, and optionally writes it as a Socle package. */
export async function importSigma(dir: string, options: ImportOptions = {}): Promise<ImportReport> {
  const root = resolve(dir);
  const rules = await readYamlSources([root]);
  const pipelines = await readPipelineSources(options.pipelines ?? []);
  const listing = listSources(rules, pipelines);
  const known = pipelineKnownFields(pipelines);
  const uncoveredFields = known ? uncovered(rules, known) : [];
  const report: ImportReport = {
    source: root,
    files: rules.length,
    loaded: listing.loaded,
    rejected: listing.rejected,
    uncoveredFields,
    written: 0,
  };
  if (options.out) {
    const rejectedFiles = new Set(listing.rejected.map((r) => resolve(r.file)));
    const keep = rules.filter((r) => !rejectedFiles.has(resolve(r.file)));
    await writePackage(resolve(options.out), root, keep, pipelines);
    report.out = resolve(options.out);
    report.written = keep.length;
  }
  return report;
}

function uncovered(rules: TextSource[], known: FieldKnowledge): ImportReport['uncoveredFields'] {
  const counts = new Map<string, number>();
  for (const src of rules) {
    for (const doc of parseAllDocuments(src.text)) {
      if (!('toJS' in doc)) continue;
      let value: unknown;
      try {
        value = doc.toJS();
      } catch {
        continue;
      }
      const detection = (value as { detection?: unknown } | null)?.detection;
      if (!detection || typeof detection !== 'object') continue;
      const fields = new Set<string>();
      for (const [ident, body] of Object.entries(detection)) {
        if (ident === 'condition') continue;
        for (const m of Array.isArray(body) ? body : [body])
          if (m && typeof m === 'object' && !Array.isArray(m)) for (const k of Object.keys(m)) fields.add(fieldOfDetectionKey(k));
      }
      for (const f of fields) if (f && !known.knows(f)) counts.set(f, (counts.get(f) ?? 0) + 1);
    }
  }
  return [...counts.entries()].map(([field, n]) => ({ field, rules: n })).sort((a, b) => b.rules - a.rules || a.field.localeCompare(b.field));
}

async function writePackage(out: string, root: string, rules: TextSource[], pipelines: TextSource[]): Promise<void> {
  await mkdir(join(out, 'rules'), { recursive: true });
  for (const r of rules) {
    const target = join(out, 'rules', relative(root, r.file));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(r.file, target);
  }
  const names: string[] = [];
  if (pipelines.length > 0) await mkdir(join(out, 'pipelines'), { recursive: true });
  for (const p of pipelines) {
    await writeFile(join(out, 'pipelines', basename(p.file)), p.text);
    names.push(basename(p.file).replace(/\.ya?ml$/, ''));
  }
  const name = basename(out).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'imported-sigma';
  const manifest = [
    `name: ${name}`,
    'version: 0.1.0',
    `description: Sigma rules imported from ${basename(root)} by socle rules import-sigma`,
    'licence: DRL-1.1',
    `socle: ${SOCLE_VERSION}`,
    ...(names.length ? ['pipelines:', ...names.map((n) => `  - ${n}`)] : []),
    '',
  ].join('\n');
  await writeFile(join(out, MANIFEST_FILE), manifest);
}
