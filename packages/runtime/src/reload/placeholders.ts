import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

/** Reads a YAML map of placeholder names to a value or a list of values (for `|expand`). */
export async function readPlaceholders(file: string): Promise<Record<string, string[]>> {
  const doc: unknown = parse(await readFile(file, 'utf8'));
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new Error(`${file}: placeholders must be a YAML map of name to values`);
  }
  const out: Record<string, string[]> = {};
  for (const [name, v] of Object.entries(doc)) {
    const list = Array.isArray(v) ? v : [v];
    if (!list.every((x) => typeof x === 'string' || typeof x === 'number')) {
      throw new Error(`${file}: placeholder '${name}' must be a string or a list of strings`);
    }
    out[name] = list.map(String);
  }
  return out;
}
