/** A finding of `lint`: where, how bad, what is wrong and what to do about it. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  /** Stable identifier of the check, e.g. `schema`, `duplicate-id`, `undefined-identifier`. */
  code: string;
  file: string;
  line: number;
  column: number;
  ruleId?: string;
  message: string;
  hint?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.column}`;
  const rule = d.ruleId ? ` [rule ${d.ruleId}]` : '';
  const hint = d.hint ? `\n    hint: ${d.hint}` : '';
  return `${where}: ${d.severity} ${d.code}${rule}: ${d.message}${hint}`;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code);
}
