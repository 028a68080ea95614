import type { z } from 'zod';
import type { Diagnostic } from './diagnostic.ts';
import type { YamlDocument } from './yaml-documents.ts';

/** Turns zod issues into diagnostics pointing at the offending YAML node. */
export function zodIssueDiagnostics(
  issues: readonly z.core.$ZodIssue[],
  doc: YamlDocument,
  opts: { code: string; ruleId?: string; basePath?: PropertyKey[] },
): Diagnostic[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the alternative the author most likely meant: the one that got furthest into the value.
      const depth = (branch: readonly z.core.$ZodIssue[]) => Math.max(0, ...branch.map((i) => i.path.length));
      const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
      if (best.length > 0) return zodIssueDiagnostics(best, doc, { ...opts, basePath: [...(opts.basePath ?? []), ...issue.path] });
    }
    const path = [...(opts.basePath ?? []), ...issue.path];
    const missing = issue.code === 'invalid_type' && valueAt(doc.value, path) === undefined;
    const pos = missing ? doc.positionOf(path.slice(0, -1)) : doc.keyPositionOf(path);
    const where = path.length > 0 ? path.join('.') : '(document)';
    let message: string;
    let hint: string | undefined;
    if (missing) {
      message = `missing required key "${where}"`;
      hint = `add "${String(path[path.length - 1])}:"`;
    } else if (issue.code === 'unrecognized_keys') {
      message = `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')} in ${where}`;
      hint = 'remove it or check its spelling';
    } else if (issue.code === 'invalid_value') {
      message = `${where}: ${issue.message}`;
      hint = `allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (issue.code === 'invalid_type') {
      message = `${where}: expected ${issue.expected}, got ${describe(valueAt(doc.value, path))}`;
    } else {
      message = `${where}: ${issue.message}`;
    }
    return [{
      severity: 'error' as const, code: opts.code, file: doc.file, line: pos.line, column: pos.column,
      ruleId: opts.ruleId, message, hint,
    }];
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
