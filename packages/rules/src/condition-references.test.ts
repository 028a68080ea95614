import { describe, expect, it } from 'vitest';
import { conditionReferences, identifierPatternMatches } from './condition-references.ts';

describe('conditionReferences', () => {
  it('separates identifiers from "x of pattern" patterns and ignores keywords', () => {
    expect(conditionReferences('(sel_a or 1 of sel_b*) and not all of filter_* and not them_x')).toEqual({
      identifiers: ['sel_a', 'them_x'],
      patterns: ['sel_b*', 'filter_*'],
      aggregation: false,
    });
  });

  it('notices a Sigma v1 aggregation', () => {
    expect(conditionReferences('selection | count(user) by host > 5')).toMatchObject({ identifiers: ['selection'], aggregation: true });
  });

  it('matches patterns with wildcards only where the star is', () => {
    expect(identifierPatternMatches('sel_*', 'sel_web')).toBe(true);
    expect(identifierPatternMatches('sel_*', 'selection')).toBe(false);
    expect(identifierPatternMatches('a.b', 'axb')).toBe(false);
  });
});
