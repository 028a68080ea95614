import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANY, compilePattern, ONE, parseSigmaString, type PatternPart } from './pattern.ts';

/** The Sigma escapes from the specification's "Escape Character" section, each with the parts it means. */
const SPEC_ESCAPES: Array<[string, PatternPart[]]> = [
  [String.raw`a\*b`, ['a*b']],
  [String.raw`a\?b`, ['a?b']],
  [String.raw`a\\b`, ['a\\b']],
  [String.raw`C:\Windows\System32`, ['C:\\Windows\\System32']],
  [String.raw`C:\Windows\\*`, ['C:\\Windows\\', ANY]],
  [String.raw`C:\Windows\*`, ['C:\\Windows*']],
  [String.raw`a\\\*`, ['a\\*']],
  [String.raw`a\\\\b`, ['a\\\\b']],
  [String.raw`a\\\b`, ['a\\\\b']],
  [String.raw`trailing\\`, ['trailing\\']],
  [String.raw`trailing\\\\`, ['trailing\\\\']],
  [String.raw`trailing\\\\\\`, ['trailing\\\\\\']],
  ['trailing\\', ['trailing\\']],
  ['\\\\\\\\host\\\\c$', ['\\\\host\\c$']],
  ['*', [ANY]],
  ['**a**', [ANY, 'a', ANY]],
  ['prog?.exe', ['prog', ONE, '.exe']],
  ['??', [ONE, ONE]],
  ['', []],
];

describe('parseSigmaString (Sigma escapes)', () => {
  it.each(SPEC_ESCAPES)('%s', (input, parts) => {
    expect(parseSigmaString(input)).toEqual(parts);
  });

  it('treats a single and a double backslash before an ordinary character alike', () => {
    expect(parseSigmaString(String.raw`C:\Windows\cmd.exe`)).toEqual(parseSigmaString(String.raw`C:\\Windows\\cmd.exe`));
  });
});

/** Writes parts back as a Sigma string, escaping what the parser would otherwise read as special. */
function escapeSigma(parts: PatternPart[]): string {
  return parts
    .map((p) => (p === ANY ? '*' : p === ONE ? '?' : typeof p === 'string' ? p.replace(/[\\*?]/g, (c) => '\\' + c) : ''))
    .join('');
}

const literal = fc.string({ unit: fc.constantFrom('a', 'b', '\\', '*', '?', 'é', ' '), minLength: 1, maxLength: 4 });
const partsArb = fc.array(fc.oneof(literal, fc.constant<PatternPart>(ANY), fc.constant<PatternPart>(ONE)), { maxLength: 6 });

/** Adjacent literals merge and runs of `*` collapse; that is the canonical form the parser returns. */
function canonical(parts: PatternPart[]): PatternPart[] {
  const out: PatternPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (typeof p === 'string' && typeof last === 'string') out[out.length - 1] = last + p;
    else if (p === ANY && last === ANY) continue;
    else out.push(p);
  }
  return out;
}

describe('parseSigmaString round-trips escapes (property)', () => {
  it('parse(escape(parts)) gives the parts back', () => {
    fc.assert(
      fc.property(partsArb, (parts) => {
        expect(parseSigmaString(escapeSigma(parts))).toEqual(canonical(parts));
      }),
    );
  });
});

/** Reference matcher: a backtracking regular expression over code points. */
function referenceMatch(parts: PatternPart[], value: string): boolean {
  const source = parts
    .map((p) =>
      p === ANY
        ? '[\\s\\S]*'
        : p === ONE
          ? '[\\s\\S]'
          : typeof p === 'string'
            ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
            : `(?:${p.anyOf.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`,
    )
    .join('');
  return new RegExp(`^${source}$`, 'u').test(value);
}

const alphabet = ['a', 'b', 'ab', 'ba', '😀'];
const globChunk = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...alphabet) },
  { weight: 2, arbitrary: fc.constant<PatternPart>(ANY) },
  { weight: 1, arbitrary: fc.constant<PatternPart>(ONE) },
  { weight: 1, arbitrary: fc.constant<PatternPart>({ anyOf: ['a', '-', '😀'] }) },
);
const globArb = fc.array(globChunk, { maxLength: 7 });
const subject = fc.array(fc.constantFrom('a', 'b', '-', '😀'), { maxLength: 10 }).map((cs) => cs.join(''));

/** A string the pattern must match: every wildcard replaced by some text. */
const instance = (parts: PatternPart[]) =>
  fc.tuple(...parts.map((p) => (p === ANY ? subject : p === ONE ? fc.constantFrom('a', '-', '😀') : typeof p === 'string' ? fc.constant(p) : fc.constantFrom(...p.anyOf)))).map((xs) => xs.join(''));

describe('compilePattern agrees with a backtracking reference (property)', () => {
  it('on random strings', () => {
    fc.assert(
      fc.property(globArb, subject, (parts, value) => {
        expect(compilePattern(parts)(value)).toBe(referenceMatch(parts, value));
      }),
      { numRuns: 2000 },
    );
  });

  it('on strings built from the pattern itself (always a match)', () => {
    fc.assert(
      fc.property(globArb.chain((parts) => fc.tuple(fc.constant(parts), instance(parts))), ([parts, value]) => {
        expect(compilePattern(parts)(value)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('compilePattern', () => {
  const test = (pattern: string, value: string) => compilePattern(parseSigmaString(pattern))(value);

  it('matches whole values unless wildcards say otherwise', () => {
    expect(test('cmd.exe', 'cmd.exe')).toBe(true);
    expect(test('cmd.exe', 'xcmd.exe')).toBe(false);
    expect(test('cmd.exe', 'cmd.exex')).toBe(false);
    expect(test('*cmd.exe', 'C:\\cmd.exe')).toBe(true);
    expect(test('cmd*', 'cmd.exe')).toBe(true);
    expect(test('*md.e*', 'cmd.exe')).toBe(true);
    expect(test('c*e', 'ce')).toBe(true);
    expect(test('c*e', 'c')).toBe(false);
    expect(test('ab*ba', 'aba')).toBe(false);
    expect(test('ab*ba', 'abba')).toBe(true);
  });

  it('counts `?` as one character, including characters outside the basic plane', () => {
    expect(test('prog?.exe', 'progA.exe')).toBe(true);
    expect(test('prog?.exe', 'prog.exe')).toBe(false);
    expect(test('prog?.exe', 'progAB.exe')).toBe(false);
    expect(test('a?b', 'a😀b')).toBe(true);
  });

  it('an empty pattern matches only the empty string', () => {
    expect(test('', '')).toBe(true);
    expect(test('', ' ')).toBe(false);
  });
});
