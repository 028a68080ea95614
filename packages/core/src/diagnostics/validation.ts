import type { Diagnostic, SourcePosition } from './diagnostic.ts';
import { formatKeyPath } from './diagnostic.ts';

/**
 * What a schema validator reports, in the shape zod gives it (core does not depend on zod: any validator whose
 * issues have this shape can be turned into diagnostics).
 */
export interface ValidationIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  values?: readonly unknown[];
  expected?: string;
  errors?: ValidationIssue[][];
}

/** A parsed document that can say where any key path sits in its text. */
export interface PositionedDocument {
  file: string;
  value: unknown;
  /** Where the node at `path` starts; for a missing path, the nearest existing parent. */
  positionOf(path: readonly PropertyKey[]): Partial<SourcePosition>;
  /** Where the key of the entry at `path` starts (falls back to positionOf). */
  keyPositionOf(path: readonly PropertyKey[]): Partial<SourcePosition>;
}

/** A value that came from no text (a command line, an object): its problems have a key path but no position. */
export function unpositionedDocument(source: string, value: unknown): PositionedDocument {
  return { file: source, value, positionOf: () => ({}), keyPositionOf: () => ({}) };
}

/**
 * The one reader of validation issues, for every configuration and rule loader: each issue becomes a diagnostic
 * at the key it concerns (a missing key at its parent), with a hint where one helps.
 */
export function validationDiagnostics(issues: readonly ValidationIssue[], doc: PositionedDocument, basePath: readonly PropertyKey[] = []): Diagnostic[] {
  return issues.flatMap((issue): Diagnostic[] => {
    if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
      // Report the alternative the author most likely meant: the one that got furthest into the value.
      const depth = (branch: readonly ValidationIssue[]) => Math.max(0, ...branch.map((i) => i.path.length));
      const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
      if (best.length > 0) return validationDiagnostics(best, doc, [...basePath, ...issue.path]);
    }
    const keys = [...basePath, ...issue.path];
    const path = formatKeyPath(keys);
    const missing = issue.code === 'invalid_type' && valueAt(doc.value, keys) === undefined;
    // A missing key is shown at its parent, an unknown key at the first of them, a wrong value at the value.
    const unknown = issue.code === 'unrecognized_keys' && issue.keys?.length ? issue.keys[0] : undefined;
    const at = missing ? doc.positionOf(keys.slice(0, -1)) : unknown !== undefined ? doc.keyPositionOf([...keys, unknown]) : doc.positionOf(keys);
    const where = { file: doc.file, line: at.line, column: at.column, path };
    if (missing) return [{ ...where, message: 'missing required key', hint: `add "${String(keys[keys.length - 1])}:"` }];
    if (issue.code === 'unrecognized_keys') {
      return [{ ...where, message: `unknown key(s) ${(issue.keys ?? []).map((k) => `"${k}"`).join(', ')}`, hint: 'remove it or check its spelling' }];
    }
    if (issue.code === 'invalid_value' && issue.values) {
      return [{ ...where, message: issue.message, hint: `allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` }];
    }
    if (issue.code === 'invalid_type' && issue.expected) return [{ ...where, message: `expected ${issue.expected}, got ${describe(valueAt(doc.value, keys))}` }];
    return [{ ...where, message: issue.message }];
  });
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
