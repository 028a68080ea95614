/**
 * What `parseSigmaYaml` made of a text, kept between loads: YAML parsing is most of what parsing a rule costs
 * (about 0.6 ms a rule), and most rules are loaded again unchanged (every CLI call, reload and worker restart).
 * The engine asks its `ParsedRulesCache` for a source's parse before parsing it; where the entries live (memory,
 * a file) is the caller's business, so core stays without I/O. Entries are JSON text of the model (never code).
 */
import { contentHash64Hex } from '../hash.ts';
import { parseSigmaYaml, type ParsedRules } from './parse.ts';

/** Change it when the parsed model changes shape or meaning: older entries then miss. */
export const PARSED_RULES_FORMAT = 1;

/** Stored parses of rule texts, keyed by `parsedRulesKey`. */
export interface ParsedRulesCache {
  get(key: string): string | undefined;
  set(key: string, entry: string): void;
}

/** The key of a source: its text, the file it came from (rules carry their location) and the model's format. */
export function parsedRulesKey(text: string, file: string | undefined): string {
  return `${PARSED_RULES_FORMAT}-${contentHash64Hex([file ?? '', text])}-${text.length.toString(36)}`;
}

/** `parseSigmaYaml` through a cache: a stored entry when there is one, else a parse that is then stored. */
export function parseSigmaYamlCached(text: string, file: string | undefined, cache: ParsedRulesCache | undefined): ParsedRules {
  if (!cache) return parseSigmaYaml(text, file);
  const key = parsedRulesKey(text, file);
  const entry = cache.get(key);
  if (entry !== undefined) {
    try {
      return decodeParsedRules(entry);
    } catch {
      // a damaged entry is parsed again and replaced
    }
  }
  const parsed = parseSigmaYaml(text, file);
  cache.set(key, encodeParsedRules(parsed));
  return parsed;
}

// JSON has no Map and drops undefined properties; the model has both (identifiers, absent optional keys).
const MAP = '\u0000map';
const UNDEFINED = '\u0000undefined';

export function encodeParsedRules(parsed: ParsedRules): string {
  return JSON.stringify(parsed, (_key, value: unknown) => {
    if (value === undefined) return UNDEFINED;
    if (value instanceof Map) return { [MAP]: [...value] };
    return value;
  });
}

export function decodeParsedRules(entry: string): ParsedRules {
  return revive(JSON.parse(entry)) as ParsedRules;
}

function revive(value: unknown): unknown {
  if (value === UNDEFINED) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i]);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const entries = record[MAP];
    if (Array.isArray(entries)) return new Map(entries.map(([k, v]: [unknown, unknown]) => [k, revive(v)]));
    for (const key of Object.keys(record)) record[key] = revive(record[key]);
  }
  return value;
}
