/**
 * One test for "any of these patterns" on a string, for the long value lists of SigmaHQ rules (hundreds of
 * DLL names as suffixes, executables as exact values): exact values are looked up in a Set, prefixes and
 * suffixes by their first or last few characters, so a value meets only the few patterns that could match it;
 * other patterns are tried one by one. Character choices (`windash` dashes) are spelled out first, so that
 * `-q` as any dash is five plain texts rather than a pattern matched character by character.
 */
import { ANY, compilePattern, expandChoices, type PatternPart, type StringTest } from './pattern.ts';

/** Below this many patterns of a kind, trying each costs less than a lookup. */
const MIN_INDEXED = 8;
/** Character choices spelled out in one pattern at most (5^3 = 125 texts); beyond, it is matched with its choices. */
const MAX_SPELLED_CHOICES = 3;

/** Patterns (already lower-cased when the match is case-insensitive) into one test that holds when any holds. */
export function anyPattern(patterns: PatternPart[][]): StringTest {
  const exact: string[] = [];
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  const others: PatternPart[][] = [];
  const spelled = patterns.flatMap((p) => (p.filter((x) => typeof x === 'object').length <= MAX_SPELLED_CHOICES ? expandChoices(p) : [p]));
  for (const p of spelled) {
    if (p.length === 1 && p[0] === ANY) return () => true;
    if (p.length === 0) exact.push('');
    else if (p.length === 1 && typeof p[0] === 'string') exact.push(p[0]);
    else if (p.length === 2 && typeof p[0] === 'string' && p[1] === ANY) prefixes.push(p[0]);
    else if (p.length === 2 && p[0] === ANY && typeof p[1] === 'string') suffixes.push(p[1]);
    else others.push(p);
  }
  const tests: StringTest[] = [];
  if (exact.length >= MIN_INDEXED) {
    const set = new Set(exact);
    tests.push((v) => set.has(v));
  } else {
    others.push(...exact.map((e) => [e]));
  }
  if (prefixes.length >= MIN_INDEXED) tests.push(affixTest(prefixes, 'prefix'));
  else others.push(...prefixes.map((p): PatternPart[] => [p, ANY]));
  if (suffixes.length >= MIN_INDEXED) tests.push(affixTest(suffixes, 'suffix'));
  else others.push(...suffixes.map((s): PatternPart[] => [ANY, s]));
  tests.push(...others.map(compilePattern));
  if (tests.length === 1) return tests[0];
  return (v) => {
    for (let i = 0; i < tests.length; i++) if (tests[i](v)) return true;
    return false;
  };
}

/**
 * Prefixes (or suffixes) by their first (last) `k` characters, `k` the shortest one's length: a value's own
 * first (last) `k` characters name the only ones it can start (end) with.
 */
function affixTest(affixes: string[], side: 'prefix' | 'suffix'): StringTest {
  const k = affixes.reduce((min, a) => Math.min(min, a.length), Infinity);
  const prefix = side === 'prefix';
  const keyOf = (s: string) => (prefix ? s.slice(0, k) : s.slice(s.length - k));
  const byKey = new Map<string, string[]>();
  for (const a of new Set(affixes)) {
    const list = byKey.get(keyOf(a));
    if (list) list.push(a);
    else byKey.set(keyOf(a), [a]);
  }
  return (v) => {
    if (v.length < k) return false;
    const list = byKey.get(keyOf(v));
    if (list === undefined) return false;
    for (let i = 0; i < list.length; i++) if (prefix ? v.startsWith(list[i]) : v.endsWith(list[i])) return true;
    return false;
  };
}
