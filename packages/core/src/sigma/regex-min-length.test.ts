import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minMatchLength } from './regex-min-length.ts';

describe('minMatchLength', () => {
  it('counts what every match must span', () => {
    const cases: [string, number][] = [
      ['.{1000,}', 1000],
      ['abc', 3],
      ['a|bc', 1],
      ['(ab|c)d', 2],
      ['(?:ab)+c?', 2],
      ['a*b+c{2,5}d{3}', 1 + 2 + 3],
      ['a{2,}?x', 3],
      ['^\\s[a-f0-9]{64}\\s$', 66],
      ['\\\\[a-zA-Z0-9]{1,32}\\.[a-zA-Z0-9]{1,6}\\.[ "\']{1}', 6],
      ['(?i)ab(?s:.)\\bc', 4],
      ['(?P<name>x{3})(?<other>y)', 4],
      ['\\x41\\x{263a}\\pL\\p{Greek}\\101\\0', 6],
      ['\\A(?:a{4})\\z', 4],
      ['(?:x)(?:\\n?$)', 1],
      ['a{,3}', 5], // `{,3}` is no repetition in RE2: four literal characters after `a`
      ['😀{0}b', 1],
      ['[]a]{2}', 2],
      ['', 0],
    ];
    for (const [source, want] of cases) expect(minMatchLength(source), source).toBe(want);
  });

  it('claims nothing where it cannot read the expression', () => {
    for (const source of ['\\Qab\\E{3}', '(ab', 'ab)', '[ab', 'a**', '*a', '\\C{4}']) expect(minMatchLength(source), source).toBe(0);
  });

  it('is never more than the shortest text that matches (generated expressions, every text up to 5 characters)', () => {
    const alphabet = ['a', 'b', '\n'];
    const texts: string[] = [''];
    for (let n = 1, level = ['']; n <= 5; n++) {
      level = level.flatMap((t) => alphabet.map((c) => t + c));
      texts.push(...level);
    }
    const atom: fc.Arbitrary<string> = fc.constantFrom('a', 'b', '.', '[ab]', '[^a]', '\\n', '\\s', '\\b', '^', '$', '\\d');
    const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', maxDepth: 3, withCrossShrink: true },
        atom,
        fc.tuple(tie('e'), tie('e')).map(([x, y]) => x + y),
        fc.tuple(tie('e'), tie('e')).map(([x, y]) => `(?:${x}|${y})`),
        fc.tuple(tie('e'), fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '{0}', '+?', '{2,}')).map(([x, q]) => `(?:${x})${q}`),
      ),
    })).e;
    fc.assert(
      fc.property(expr, (source) => {
        const re = new RegExp(`^(?:${source})$`);
        const shortest = texts.find((t) => re.test(t));
        return shortest === undefined || minMatchLength(source) <= shortest.length;
      }),
      { numRuns: 2000 },
    );
  });
});
