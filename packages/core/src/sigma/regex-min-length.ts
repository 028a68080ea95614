/**
 * The fewest UTF-16 code units any match of a regular expression (RE2 syntax) spans: a text shorter than that
 * cannot match, whatever the engine. `.{1000,}` is how rules ask for long command lines; searched for in a
 * 999-character value, it costs a backtracking engine a millisecond (every start position runs to the end) and
 * RE2JS five. A lower bound: an expression not understood counts as 0, never as more than a match can be.
 */
import { parseRegex, type RegexNode } from './regex-syntax.ts';

/** 0 when the expression is not understood. */
export function minMatchLength(source: string): number {
  const tree = parseRegex(source);
  const min = tree ? lengthOf(tree) : NaN;
  return Number.isFinite(min) ? min : 0;
}

/** NaN for what is not understood (and whatever holds it). */
function lengthOf(node: RegexNode): number {
  switch (node.kind) {
    case 'char':
    case 'one':
      return 1; // one code point: one or two code units
    case 'empty':
      return 0;
    case 'opaque':
      return NaN;
    case 'group':
      return lengthOf(node.item);
    case 'seq':
      return node.items.reduce((sum, item) => sum + lengthOf(item), 0);
    case 'alt':
      return Math.min(...node.branches.map(lengthOf));
    case 'repeat':
      return node.min * lengthOf(node.item);
  }
}
