import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';

/** A YAML file that does not have the expected shape; `problems` are `file:line:column: path: what is wrong` lines. */
export class YamlConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: invalid configuration\n  ${problems.join('\n  ')}`);
    this.name = 'YamlConfigError';
  }
}

/** Parses YAML text and validates it; every error names the file, line and key path. */
export function parseValidatedYaml<T extends z.ZodType>(text: string, file: string, schema: T): z.output<T> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new YamlConfigError(
      file,
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return `${file}:${pos.line}:${pos.col}: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return result.data;
  throw new YamlConfigError(
    file,
    result.error.issues.map((issue) => {
      const path = issue.path.map(String);
      const where = path.length > 0 ? path.join('.') : '(document)';
      // Point at the deepest node that exists: a missing key is reported at its parent.
      let at = path.length;
      let node: unknown;
      while (at >= 0 && !isNode((node = doc.getIn(path.slice(0, at), true)))) at--;
      const offset = isNode(node) && node.range ? node.range[0] : 0;
      const pos = lines.linePos(offset);
      return `${file}:${pos.line}:${pos.col}: ${where}: ${issue.message}`;
    }),
  );
}
