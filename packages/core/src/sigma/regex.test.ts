import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { compileRegex, REGEX_FLAGS } from './regex.ts';

const test = (source: string, value: string, flags = 0) => compileRegex(source, flags, 'detection.sel.f|re')(value);
const long = (s: string) => s + ' '.repeat(5000);

describe('regular expressions follow RE2 semantics, whatever the input length', () => {
  it.each([
    ['begin.end', 'begin\rend', true],
    ['^.$', '😀', true],
    ['^a.b$', 'a\u2028b', true],
    ['a\\sb', 'a\u00a0b', false],
    ['a\\sb', 'a\u000bb', false],
    ['a\\sb', 'a\tb', true],
    ['^\\w+$', 'été', false],
    ['\\x{41}', 'A', true],
  ])('/%s/ on %j gives %s', (source, value, expected) => {
    expect(test(source, value)).toBe(expected);
    expect(test(source, long(value))).toBe(source.endsWith('$') ? false : expected);
  });

  it('with |m, only \\n ends a line', () => {
    expect(test('^b', 'a\nb', REGEX_FLAGS.m)).toBe(true);
    expect(test('^b', 'a\rb', REGEX_FLAGS.m)).toBe(false);
  });

  it('$ ends the value or comes before a newline that ends it, as in PCRE (the specification) and Python', () => {
    for (const value of ['C:\\x.exe', 'C:\\x.exe\n', 'x'.repeat(5000) + '.exe\n']) expect(test('\\.exe$', value)).toBe(true);
    expect(test('\\.exe$', 'x.exe\n\n')).toBe(false);
    expect(test('\\.exe$', 'x.exe\nmore')).toBe(false);
    expect(test('^(a|b$)', 'xb\n')).toBe(false);
    expect(test('(a|b$)', 'xb\n')).toBe(true);
    // A $ that is escaped, quoted or in a class is a dollar sign; with |m, every line ends at its newline.
    expect(test('C\\$', 'C$')).toBe(true);
    expect(test('C\\$', 'C\n')).toBe(false);
    expect(test('[$]x', '$x')).toBe(true);
    expect(test('a[[:digit:]$]b', 'a$b')).toBe(true);
    expect(test('\\Qa$\\E$', 'a$\n')).toBe(true);
    expect(test('a$', 'a\nb', REGEX_FLAGS.m)).toBe(true);
    expect(test('(?m)a$', 'a\nb')).toBe(true);
  });

  it('with |i, case folding is Unicode-aware', () => {
    expect(test('straße', 'STRAßE', REGEX_FLAGS.i)).toBe(true);
    expect(test('ſ', 's', REGEX_FLAGS.i)).toBe(true);
  });
});

/** Small regular expressions over a handful of atoms, to compare with RE2JS itself. */
const atom = fc.constantFrom('a', 'b', '.', '\\s', '\\S', '\\w', '\\d', '[^a]', '[a-c]', '\\r', '\\n', '\\b', 'é', '😀');
const piece = fc.tuple(atom, fc.constantFrom('', '*', '+', '?', '{1,2}')).map(([a, q]) => a + q);
const sequence = fc.array(piece, { minLength: 1, maxLength: 4 }).map((p) => p.join(''));
const regex = fc
  .tuple(fc.constantFrom('', '^'), fc.array(sequence, { minLength: 1, maxLength: 2 }), fc.boolean(), fc.constantFrom('', '$'))
  .map(([start, alts, group, end]) => start + (group ? `(${alts.join('|')})` : alts.join('|')) + end);
const input = fc.array(fc.constantFrom('a', 'b', 'A', ' ', '\r', '\n', '\u000b', '\u00a0', '1', 'é', 'É', '😀', '_'), { maxLength: 8 }).map((c) => c.join(''));
const flags = fc.constantFrom(0, REGEX_FLAGS.i, REGEX_FLAGS.m, REGEX_FLAGS.s, REGEX_FLAGS.i | REGEX_FLAGS.m | REGEX_FLAGS.s);

describe('compileRegex agrees with RE2, but for $ before a final newline (property)', () => {
  it('on random expressions, flags and inputs', () => {
    fc.assert(
      fc.property(regex, flags, input, (source, f, value) => {
        const re2 = RE2JS.compile(source, f);
        // PCRE's $ (no m) also matches before a newline that ends the value; the generated $ only ends a pattern.
        const pcreEnd = !(f & REGEX_FLAGS.m) && source.endsWith('$') && value.endsWith('\n') && re2.test(value.slice(0, -1));
        expect(compileRegex(source, f, 'x')(value)).toBe(re2.test(value) || pcreEnd);
      }),
      { numRuns: 600 },
    );
  }, 30_000);
});

describe('verdict memos (property)', () => {
  it('give the verdict matching anew would give, for values seen before or not, with any budget', () => {
    fc.assert(
      fc.property(regex, flags, fc.array(input, { minLength: 1, maxLength: 20 }), fc.constantFrom(1, 200, 1_000_000), (source, f, values, chars) => {
        const remembering = compileRegex(source, f, 'x', { left: chars });
        const anew = compileRegex(source, f, 'x');
        // Each value twice, the second time as a copy (as each parse of an event makes new strings).
        for (const value of [...values, ...values.map((v) => [...v].join(''))]) expect(remembering(value)).toBe(anew(value));
      }),
      { numRuns: 300 },
    );
  }, 30_000);
});
