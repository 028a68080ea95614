import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Literal, Requirement } from './literals.ts';
import { appendRequirementCheck, requirementHolds } from './requirement-check.ts';

/** The reference: the requirement tree read as it is written. */
const holds = (r: Requirement, found: Set<string>): boolean =>
  'lit' in r ? found.has(r.lit.text) : 'all' in r ? r.all.every((x) => holds(x, found)) : r.any.some((x) => holds(x, found));

const texts = ['a', 'b', 'c', 'd', 'e', 'f'];
const idOf = (l: Literal) => texts.indexOf(l.text);

/** Checks `req` from a store where another rule's check comes first, as in a rule index. */
function check(req: Requirement, found: Set<string>): boolean {
  const hits = Int32Array.from(texts, (t) => (found.has(t) ? 7 : 6));
  const program: number[] = [];
  appendRequirementCheck(program, { any: [{ lit: { slot: 0, text: 'e' } }, { all: [{ lit: { slot: 0, text: 'f' } }, { lit: { slot: 0, text: 'a' } }] }] }, idOf);
  const at = appendRequirementCheck(program, req, idOf);
  return requirementHolds(Int32Array.from(program), at, hits, 7);
}

const requirement: fc.Arbitrary<Requirement> = fc.letrec<{ node: Requirement }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...texts).map((text): Requirement => ({ lit: { slot: 0, text } })),
    fc.array(tie('node'), { minLength: 2, maxLength: 4 }).map((all): Requirement => ({ all })),
    fc.array(tie('node'), { minLength: 2, maxLength: 4 }).map((any): Requirement => ({ any })),
  ),
})).node;

describe('requirement checks', () => {
  it('need every part of an all and one of an any, nested', () => {
    const lit = (text: string): Requirement => ({ lit: { slot: 0, text } });
    const req: Requirement = { all: [lit('a'), { any: [lit('b'), { all: [lit('c'), lit('d')] }] }] };
    expect(check(req, new Set(['a', 'b']))).toBe(true);
    expect(check(req, new Set(['a', 'c', 'd']))).toBe(true);
    expect(check(req, new Set(['a', 'c']))).toBe(false);
    expect(check(req, new Set(['b', 'c', 'd']))).toBe(false);
    // Literals of another event (another epoch) do not count.
    const program: number[] = [];
    const at = appendRequirementCheck(program, lit('a'), idOf);
    expect(requirementHolds(Int32Array.from(program), at, Int32Array.of(6), 7)).toBe(false);
  });

  it('say what the requirement tree says, for any tree and any literals found', () => {
    fc.assert(fc.property(requirement, fc.subarray(texts), (req, found) => check(req, new Set(found)) === holds(req, new Set(found))), { numRuns: 2000 });
  });
});
