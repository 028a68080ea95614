/**
 * Sigma string values: wildcards (`*`, `?`), escapes, and character classes (for `windash`), compiled into
 * matchers that never backtrack: a pattern is split at `*` into segments that are located left to right.
 */

export const ANY = 0; // `*`
export const ONE = 1; // `?`

/** A part of a Sigma string: literal text, a wildcard, or a set of alternative characters. */
export type PatternPart = string | typeof ANY | typeof ONE | { anyOf: string[] };

/**
 * Parses a Sigma string with its escapes: `\*` and `\?` are literal wildcards, `\\` is one backslash, and a
 * backslash before any other character stays a backslash.
 */
export function parseSigmaString(s: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let lit = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      const next = s[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        lit += next;
        i++;
      } else {
        lit += c;
      }
    } else if (c === '*' || c === '?') {
      if (lit) parts.push(lit);
      lit = '';
      parts.push(c === '*' ? ANY : ONE);
    } else {
      lit += c;
    }
  }
  if (lit) parts.push(lit);
  return normalize(parts);
}

/** Merges adjacent literals and collapses runs of `*`. */
export function normalize(parts: PatternPart[]): PatternPart[] {
  const out: PatternPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p === 'string') {
      if (!p) continue;
      if (typeof last === 'string') out[out.length - 1] = last + p;
      else out.push(p);
    } else if (p === ANY && last === ANY) {
      continue;
    } else {
      out.push(p);
    }
  }
  return out;
}

export function hasWildcards(parts: PatternPart[]): boolean {
  return parts.some((p) => typeof p !== 'string');
}

/** The plain text of a pattern without wildcards; throws if it has any (callers check first). */
export function plainText(parts: PatternPart[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : p === ANY ? '*' : p === ONE ? '?' : p.anyOf[0])).join('');
}

/** Spells out character choices (windash dashes) as separate alternatives, for encodings that need plain text. */
export function expandChoices(parts: PatternPart[]): PatternPart[][] {
  let out: PatternPart[][] = [[]];
  for (const p of parts) {
    if (typeof p === 'object') out = out.flatMap((prefix) => p.anyOf.map((c) => [...prefix, c]));
    else out = out.map((prefix) => [...prefix, p]);
  }
  return out.map(normalize);
}

export function lowerParts(parts: PatternPart[]): PatternPart[] {
  return parts.map((p) =>
    typeof p === 'string' ? p.toLowerCase() : typeof p === 'object' ? { anyOf: p.anyOf.map((c) => c.toLowerCase()) } : p,
  );
}

export type StringTest = (value: string) => boolean;

/** One unit of a segment: a literal character, any single character (null), or a set of characters. */
type Unit = string | null | Set<string>;

/**
 * Compiles a pattern into a test on one string. The caller lower-cases both sides for case-insensitive
 * matching. Common shapes (exact, prefix, suffix, contains) become single string operations.
 */
export function compilePattern(parts: PatternPart[]): StringTest {
  const p = normalize(parts);
  if (p.length === 0) return (v) => v === '';
  if (p.length === 1) {
    const only = p[0];
    if (typeof only === 'string') return (v) => v === only;
    if (only === ANY) return () => true;
  }
  if (p.every((x) => typeof x === 'string' || x === ANY)) {
    const startsAny = p[0] === ANY;
    const endsAny = p[p.length - 1] === ANY;
    const lits = p.filter((x): x is string => typeof x === 'string');
    if (lits.length === 1) {
      const s = lits[0];
      if (startsAny && endsAny) return (v) => v.includes(s);
      if (startsAny) return (v) => v.endsWith(s);
      if (endsAny) return (v) => v.startsWith(s);
    }
    if (lits.length === 2 && !startsAny && !endsAny && p.length === 3) {
      const [a, b] = lits;
      const min = a.length + b.length;
      return (v) => v.length >= min && v.startsWith(a) && v.endsWith(b);
    }
  }
  return compileSegments(p);
}

function compileSegments(p: PatternPart[]): StringTest {
  // Split at ANY into segments of units; a leading or trailing ANY leaves an empty first or last segment.
  const segments: Unit[][] = [[]];
  for (const x of p) {
    if (x === ANY) segments.push([]);
    else if (x === ONE) segments[segments.length - 1].push(null);
    else if (typeof x === 'string') for (const ch of x) segments[segments.length - 1].push(ch);
    else segments[segments.length - 1].push(new Set(x.anyOf));
  }
  const anchoredStart = p[0] !== ANY;
  const anchoredEnd = p[p.length - 1] !== ANY;
  const first = segments[0];
  const last = segments[segments.length - 1];
  const middle = segments.slice(1, -1);
  const minLength = segments.reduce((n, s) => n + s.length, 0);
  const single = segments.length === 1;
  return (v) => {
    const chars = Array.from(v);
    if (chars.length < minLength) return false;
    if (single) return chars.length === first.length && unitsAt(first, chars, 0);
    let pos = 0;
    if (anchoredStart) {
      if (!unitsAt(first, chars, 0)) return false;
      pos = first.length;
    }
    let end = chars.length;
    if (anchoredEnd) {
      end = chars.length - last.length;
      if (end < pos || !unitsAt(last, chars, end)) return false;
    }
    for (const seg of middle) {
      const at = find(seg, chars, pos, end);
      if (at < 0) return false;
      pos = at + seg.length;
    }
    return true;
  };
}

function unitsAt(units: Unit[], chars: string[], at: number): boolean {
  for (let i = 0; i < units.length; i++) {
    const u = units[i];
    const c = chars[at + i];
    if (c === undefined) return false;
    if (u === null) continue;
    if (typeof u === 'string') {
      if (u !== c) return false;
    } else if (!u.has(c)) {
      return false;
    }
  }
  return true;
}

/** First index in [from, to - units.length] where units match, or -1. Leftmost-first is optimal for globs. */
function find(units: Unit[], chars: string[], from: number, to: number): number {
  for (let i = from; i + units.length <= to; i++) if (unitsAt(units, chars, i)) return i;
  return -1;
}
