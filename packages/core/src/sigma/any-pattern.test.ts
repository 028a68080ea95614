import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyPattern } from './any-pattern.ts';
import { ANY, ONE, compilePattern, type PatternPart } from './pattern.ts';

/** The reference: every pattern tried in turn. */
const eachPattern = (patterns: PatternPart[][]) => {
  const tests = patterns.map(compilePattern);
  return (v: string) => tests.some((t) => t(v));
};

describe('anyPattern', () => {
  it('finds the one of hundreds of DLL suffixes a path ends with, and no other', () => {
    const names = Array.from({ length: 300 }, (_, i) => `\\lib${i}.dll`);
    const test = anyPattern(names.map((n) => [ANY, n]));
    expect(test('c:\\windows\\system32\\lib7.dll')).toBe(true);
    expect(test('c:\\windows\\system32\\lib299.dll')).toBe(true);
    expect(test('c:\\windows\\system32\\xlib7.dll')).toBe(false);
    expect(test('c:\\windows\\system32\\lib300.dll')).toBe(false);
    expect(test('.dll')).toBe(false);
  });

  it('spells out windash choices: any dash before a flag, anywhere in a command line', () => {
    const test = anyPattern([[ANY, { anyOf: ['-', '/', '\u2013'] }, 'q', ANY]]);
    for (const v of ['msiexec -q', 'msiexec /q /i x', 'msiexec \u2013q']) expect(test(v), v).toBe(true);
    for (const v of ['msiexec q', 'msiexec +q']) expect(test(v), v).toBe(false);
  });

  it('mixes exact values, prefixes, suffixes and other patterns in one list', () => {
    const patterns: PatternPart[][] = [
      ...Array.from({ length: 10 }, (_, i) => [`exact${i}`]),
      ...Array.from({ length: 10 }, (_, i): PatternPart[] => [`c:\\dir${i}\\`, ANY]),
      ...Array.from({ length: 10 }, (_, i): PatternPart[] => [ANY, `.ext${i}`]),
      [ANY, 'middle', ANY],
      ['a', ONE, 'c'],
    ];
    const test = anyPattern(patterns);
    for (const v of ['exact3', 'c:\\dir9\\x.exe', 'file.ext0', 'in the middle of it', 'abc']) expect(test(v), v).toBe(true);
    for (const v of ['exact', 'exact33', 'c:\\dir\\x', 'file.ext', 'midle', 'ac', '']) expect(test(v), v).toBe(false);
  });

  it('says what trying every pattern says, for any list and value', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\\', '.', '-', '/', '\u2013'), maxLength: 6 });
    const pattern = fc.oneof(
      text.map((t): PatternPart[] => [t]),
      text.map((t): PatternPart[] => [t, ANY]),
      text.map((t): PatternPart[] => [ANY, t]),
      text.map((t): PatternPart[] => [ANY, t, ANY]),
      fc.tuple(text, text).map(([a, b]): PatternPart[] => [a, ONE, b]),
      fc.tuple(text, text).map(([a, b]): PatternPart[] => [ANY, a, { anyOf: ['-', '/', '\u2013'] }, b, ANY]),
    );
    fc.assert(
      fc.property(fc.array(pattern, { maxLength: 40 }), fc.array(text, { maxLength: 10 }), (patterns, values) => {
        const test = anyPattern(patterns);
        const reference = eachPattern(patterns);
        for (const v of values) if (test(v) !== reference(v)) return false;
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});
