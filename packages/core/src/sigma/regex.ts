/**
 * Regular expressions from rules never hang the engine. Every pattern must compile under RE2 (linear time:
 * no look-around, no back-references); that is what the rule language allows. Patterns whose structure cannot
 * backtrack badly (no quantified group that holds a quantifier or an alternation, at most two unbounded
 * quantifiers) run on the native engine for inputs up to MAX_NATIVE_INPUT characters; everything else runs
 * on RE2JS. With a memo budget, each expression remembers its verdicts on recent values (a command line seen
 * again is not matched again).
 */
import { errorMessage } from '../diagnostics/error-message.ts';
import { RE2JS } from 're2js';
import { rememberVerdicts, type MemoBudget } from '../value-memo.ts';
import { SigmaRuleError } from './errors.ts';
import type { StringTest } from './pattern.ts';
import { minMatchLength } from './regex-min-length.ts';
import { classEnd } from './regex-syntax.ts';

export const REGEX_FLAGS = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL } as const;

/**
 * Inputs on which JavaScript reads a pattern exactly as RE2 does: ASCII without \r and \v. (JavaScript's `.`
 * and line anchors also stop at \r, U+2028 and U+2029, its `\s` includes \v and Unicode spaces, and without
 * the `u` flag `.` matches half of a surrogate pair.)
 */
const NATIVE_SAFE_INPUT = /^[\x00-\x0a\x0c\x0e-\x7f]*$/;

/** Bounds the quadratic worst case of a backtracking search with two unbounded quantifiers. */
const MAX_NATIVE_INPUT = 2048;

/** `start`/`end`: the expression must match from the value's start, or up to its end (`startswith`, `endswith`). */
export interface RegexPin {
  start?: boolean;
  end?: boolean;
}

/** The test of a rule's expression as written; errors quote it so, whatever pinning and rewriting it gets. */
export function compileRegex(written: string, flags: number, construct: string, memoBudget?: MemoBudget, pin: RegexPin = {}): StringTest {
  let source = pcreEndOfText(written, flags);
  if (pin.start || pin.end) source = `${pin.start ? '\\A' : ''}(?:${source})${pin.end ? '\\z' : ''}`;
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(source, flags);
  } catch (err) {
    const why = errorMessage(err);
    throw new SigmaRuleError(
      construct,
      `regular expression /${written}/ is not supported (${why}); Socle runs regular expressions in linear time (RE2), without look-around or back-references`,
    );
  }
  const native = backtrackSafe(source) ? nativeRegex(source, flags) : undefined;
  const test: StringTest = native
    ? (s) => (s.length <= MAX_NATIVE_INPUT && NATIVE_SAFE_INPUT.test(s) ? native.test(s) : re2.test(s))
    : (s) => re2.test(s);
  const remembered = rememberVerdicts(test, memoBudget);
  // Values too short for any match are neither searched nor looked up.
  const min = minMatchLength(source);
  return min > 0 ? (s) => s.length >= min && remembered(s) : remembered;
}

/**
 * The Sigma specification reads `re` values as PCRE, where `$` (without the `m` flag) matches at the end of the
 * value or before a newline that ends it, as it does in Python; in RE2 and JavaScript it matches at the end only.
 * Each such `$` becomes `(?:\n?$)`, which matches where PCRE's does (the newline it may take is the value's last
 * character). With `m`, `$` ends every line alike in all three, and the expression is left as it is.
 */
function pcreEndOfText(source: string, flags: number): string {
  if (flags & REGEX_FLAGS.m || /\(\?[a-zA-Z]*m/.test(source) || !source.includes('$')) return source;
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      // An escape is copied whole; \Q...\E quotes everything up to \E (or the end).
      let stop = i + 1;
      if (source[stop] === 'Q') {
        const e = source.indexOf('\\E', i + 2);
        stop = e < 0 ? source.length - 1 : e + 1;
      }
      out += source.slice(i, stop + 1);
      i = stop;
    } else if (c === '[') {
      const end = classEnd(source, i);
      out += source.slice(i, end + 1);
      i = end;
    } else {
      out += c === '$' ? '(?:\\n?$)' : c;
    }
  }
  return out;
}

function nativeRegex(source: string, flags: number): RegExp | undefined {
  let f = '';
  if (flags & REGEX_FLAGS.i) f += 'i';
  if (flags & REGEX_FLAGS.m) f += 'm';
  if (flags & REGEX_FLAGS.s) f += 's';
  try {
    // RE2 and JavaScript read a few constructs differently (and fold non-ASCII case differently); such patterns stay on RE2JS.
    if (/\\[pPzAQECa]|\\x\{|\(\?[imsU-]|\[\[:|[^\x00-\x7f]/.test(source)) return undefined;
    return new RegExp(source, f);
  } catch {
    return undefined;
  }
}

/** A conservative structural check: true only for patterns a backtracking engine runs in at most quadratic time. */
export function backtrackSafe(source: string): boolean {
  // Per open group: whether it holds a quantifier or an alternation.
  const stack: { risky: boolean }[] = [{ risky: false }];
  let unbounded = 0;
  let lastGroupRisky = false;
  let prevWasGroupEnd = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    let groupEnd = false;
    if (c === '\\') {
      i++;
    } else if (c === '[') {
      i = classEnd(source, i);
    } else if (c === '(') {
      stack.push({ risky: false });
      if (source[i + 1] === '?') {
        if (source[i + 2] === ':') i += 2;
        else if (source[i + 2] === 'P' || source[i + 2] === '<') {
          const close = source.indexOf('>', i);
          if (close < 0) return false;
          i = close;
        } else return false;
      }
    } else if (c === ')') {
      const g = stack.pop();
      if (!g || stack.length === 0) return false;
      lastGroupRisky = g.risky;
      groupEnd = true;
      if (g.risky) stack[stack.length - 1].risky = true;
    } else if (c === '|') {
      stack[stack.length - 1].risky = true;
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      let bounded = c === '?';
      if (c === '{') {
        const close = source.indexOf('}', i);
        if (close < 0) continue;
        bounded = !/,\s*}$/.test(source.slice(i, close + 1));
        i = close;
      }
      if (prevWasGroupEnd && lastGroupRisky) return false;
      if (!bounded && ++unbounded > 2) return false;
      stack[stack.length - 1].risky = true;
      if (source[i + 1] === '?' || source[i + 1] === '+') i++; // lazy or possessive suffix
    }
    prevWasGroupEnd = groupEnd;
  }
  return stack.length === 1;
}
