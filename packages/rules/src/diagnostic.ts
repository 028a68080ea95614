import { compareDiagnostics as comparePositions, formatDiagnostic as formatPositioned, type Diagnostic as PositionedDiagnostic } from '@socle/core';

/** A finding of `lint`: a positioned diagnostic (`@socle/core`) with how bad it is and which check found it. */
export interface Diagnostic extends PositionedDiagnostic {
  line: number;
  column: number;
  severity: 'error' | 'warning';
  /** Stable identifier of the check, e.g. `schema`, `duplicate-id`, `undefined-identifier`. */
  code: string;
  ruleId?: string;
}

/** `file:line:col: error code [rule id]: path: message`, through the one positioned formatter. */
export function formatDiagnostic(d: Diagnostic): string {
  const rule = d.ruleId ? ` [rule ${d.ruleId}]` : '';
  const path = d.path ? `${d.path}: ` : '';
  return formatPositioned({ ...d, path: undefined, message: `${d.severity} ${d.code}${rule}: ${path}${d.message}` });
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return comparePositions(a, b) || a.code.localeCompare(b.code);
}
