import { validationDiagnostics, type ValidationIssue } from '@socle/core';
import type { Diagnostic } from './diagnostic.ts';
import type { YamlDocument } from './yaml-documents.ts';

/** Zod issues as lint diagnostics at the offending YAML node, through the one reader of validation issues. */
export function zodIssueDiagnostics(issues: readonly ValidationIssue[], doc: YamlDocument, opts: { code: string; ruleId?: string }): Diagnostic[] {
  // A YAML document gives every key path a position.
  return validationDiagnostics(issues, doc).map((d) => ({ ...d, line: d.line ?? 1, column: d.column ?? 1, severity: 'error' as const, code: opts.code, ruleId: opts.ruleId }));
}
