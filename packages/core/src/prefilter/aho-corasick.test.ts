import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AhoCorasick } from './aho-corasick.ts';
import { foldablePieces } from './case-fold.ts';

function found(patterns: string[], text: string): number[] {
  const hits = new Set<number>();
  new AhoCorasick(patterns.map((p) => foldablePieces(p).join(''))).scan(text, (i) => hits.add(i));
  return [...hits].sort((a, b) => a - b);
}

describe('Aho-Corasick automaton', () => {
  it('finds every pattern in any case, overlapping ones included', () => {
    expect(found(['he', 'she', 'his', 'hers'], 'uSHErs')).toEqual([0, 1, 3]);
    expect(found(['mimikatz'], 'Invoke-MIMIKATZ')).toEqual([0]);
    expect(found(['kerberos'], '\u212aerberos')).toEqual([0]);
  });

  it('still finds ASCII patterns when other patterns bring hundreds of distinct non-ASCII characters', () => {
    // Emoji rules bring hundreds of distinct code units; an earlier table with one column each overflowed its
    // column numbers and lost ASCII patterns (204 matches of 3 SigmaHQ rules per 120k benchmark events).
    const emoji = Array.from({ length: 400 }, (_, i) => String.fromCodePoint(0x1f300 + i));
    const patterns = [...emoji, 'lsass.dmp', '\\rundll32.exe'];
    expect(found(patterns, 'procdump -ma lsass.exe C:\\temp\\LSASS.DMP')).toEqual([400]);
    expect(found(patterns, 'C:\\Windows\\System32\\rundll32.exe x.dll')).toEqual([401]);
    expect(found(patterns, 'echo \u{1f305}')).toContain(5);
  });

  it('finds exactly what a plain search of the lower-cased text finds (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'A', 'B', 'c', '.', '\\') , maxLength: 30 });
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'c', '.', '\\'), minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }), text, (patterns, t) => {
        const expected = patterns.map((p, i) => (t.toLowerCase().includes(p) ? i : -1)).filter((i) => i >= 0);
        expect(found(patterns, t)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
