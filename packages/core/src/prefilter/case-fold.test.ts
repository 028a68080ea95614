import { describe, expect, it } from 'vitest';
import { foldablePieces, foldChar } from './case-fold.ts';

const fold = (s: string) => [...s].map((c) => String.fromCharCode(foldChar(c.charCodeAt(0)))).join('');

describe('case folding for prefilters', () => {
  it('folds every case variant to one character, as toLowerCase and RE2 (?i) both equate them', () => {
    expect(fold('MiMiKaTz')).toBe('mimikatz');
    expect(fold('\u212a')).toBe('k'); // Kelvin sign
    expect(fold('\u017f')).toBe('s'); // long s, which RE2 (?i) equates with s
    expect(fold('\u0130')).toBe('i'); // dotted capital I, whose lower case is two characters
    expect(fold('Σσς')).toBe('σσσ');
    expect(fold('ÉCOLE')).toBe('école');
  });

  it('splits a text where folding one character at a time could not find it, and keeps emoji', () => {
    expect(foldablePieces('AB\u0130CD')).toEqual(['abi', 'cd']); // İ lower-cases to i + U+0307
    expect(foldablePieces('x\u{10400}y')).toEqual(['x', 'y']); // Deseret capital: cased beyond the BMP
    expect(foldablePieces('a😀b')).toEqual(['a😀b']);
    expect(foldablePieces('a\ud800b')).toEqual(['a', 'b']); // lone surrogate
  });
});
