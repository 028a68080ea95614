/** A 1-based line and column inside a file. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A problem in an input: where, which key path, what is wrong and what to do about it. */
export interface Diagnostic extends Partial<SourcePosition> {
  /** A file path, or what else the input was (`command line`); a file gives a line and column. */
  file: string;
  /** Dotted key path inside the document, e.g. `inputs.0.listen`; absent for the document as a whole. */
  path?: string;
  message: string;
  hint?: string;
}

/** The one way a problem is written: `file:line:col: path: message` (and the hint on its own line). */
export function formatDiagnostic(d: Diagnostic): string {
  const at = d.line === undefined ? '' : `:${d.line}:${d.column ?? 1}`;
  const path = d.path ? `${d.path}: ` : '';
  const hint = d.hint ? `\n    hint: ${d.hint}` : '';
  return `${d.file}${at}: ${path}${d.message}${hint}`;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

/** Dotted key path of a validation issue; `(document)` for the whole document. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  return path.length > 0 ? path.map(String).join('.') : '(document)';
}
