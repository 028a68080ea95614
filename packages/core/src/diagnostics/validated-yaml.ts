import { LineCounter, parseDocument } from 'yaml';
import { formatDiagnostic, type Diagnostic } from './diagnostic.ts';
import { validationDiagnostics, type ValidationIssue } from './validation.ts';
import { positionedYamlDocument } from './yaml-positions.ts';

/** A configuration file that is not valid YAML or does not have the expected shape. */
export class ConfigFileError extends Error {
  /** Each problem as `file:line:col: path: message`. */
  readonly problems: string[];

  constructor(readonly file: string, readonly diagnostics: Diagnostic[]) {
    const problems = diagnostics.map((d) => formatDiagnostic({ ...d, hint: undefined }));
    super(`${file}: invalid configuration\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigFileError';
    this.problems = problems;
  }
}

/** A schema as the loaders use it: zod's `safeParse`, or anything of that shape. */
export interface SafeParser<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly ValidationIssue[] } };
}

/** Parses YAML text and validates it; every problem names the file, line, column and key path. */
export function parseValidatedYaml<T>(text: string, file: string, schema: SafeParser<T>): T {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigFileError(
      file,
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, message: e.message.split('\n')[0] };
      }),
    );
  }
  const positioned = positionedYamlDocument(doc, file, lines);
  const result = schema.safeParse(positioned.value);
  if (result.success) return result.data;
  throw new ConfigFileError(file, validationDiagnostics(result.error.issues, positioned));
}
