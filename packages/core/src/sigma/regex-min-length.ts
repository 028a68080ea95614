/**
 * The fewest UTF-16 code units any match of a regular expression (RE2 syntax) spans: a text shorter than that
 * cannot match, whatever the engine. `.{1000,}` is how rules ask for long command lines; searched for in a
 * 999-character value, it costs a backtracking engine a millisecond (every start position runs to the end) and
 * RE2JS five. A lower bound: an expression not understood counts as 0, never as more than a match can be.
 */
import { classEnd } from './regex.ts';

const REPEAT = /^\{(\d+)(?:,(\d*))?\}/;

/** Thrown where the reader meets what it does not understand. */
const UNREAD = new Error('not understood');

/** 0 when the expression is not understood. */
export function minMatchLength(source: string): number {
  const reader = new MinLengthReader(source);
  try {
    const min = reader.alternation();
    return reader.pos === source.length ? min : 0;
  } catch (err) {
    if (err === UNREAD) return 0;
    throw err;
  }
}

/** Each method reads one construct at `pos` (moving past it) and gives its minimum length. */
class MinLengthReader {
  pos = 0;
  constructor(private readonly s: string) {}

  alternation(): number {
    let min = this.sequence();
    while (this.s[this.pos] === '|') {
      this.pos++;
      min = Math.min(min, this.sequence());
    }
    return min;
  }

  private sequence(): number {
    let total = 0;
    while (this.pos < this.s.length && this.s[this.pos] !== '|' && this.s[this.pos] !== ')') {
      total += this.repeated(this.atom());
    }
    return total;
  }

  private atom(): number {
    const s = this.s;
    const c = s[this.pos];
    if (c === '(') return this.group();
    if (c === '[') {
      const end = classEnd(s, this.pos);
      if (end >= s.length) throw UNREAD;
      this.pos = end + 1;
      return 1;
    }
    if (c === '\\') return this.escape();
    if (c === '^' || c === '$') {
      this.pos++;
      return 0;
    }
    if (c === '*' || c === '+' || c === '?' || (c === '{' && REPEAT.test(s.slice(this.pos)))) throw UNREAD;
    // A literal character (`{` not starting a repetition is one), or `.`: one code point, one or two code units.
    const code = s.charCodeAt(this.pos);
    this.pos += code >= 0xd800 && code <= 0xdbff && this.pos + 1 < s.length ? 2 : 1;
    return 1;
  }

  private group(): number {
    const s = this.s;
    this.pos++;
    if (s[this.pos] === '?') {
      if (s[this.pos + 1] === ':') {
        this.pos += 2;
      } else if (s[this.pos + 1] === 'P' || s[this.pos + 1] === '<') {
        const close = s.indexOf('>', this.pos);
        if (close < 0) throw UNREAD;
        this.pos = close + 1;
      } else {
        // Flags: `(?i)` sets them and matches nothing, `(?i:...)` is a group.
        let j = this.pos + 1;
        while (j < s.length && /[a-zA-Z-]/.test(s[j])) j++;
        if (s[j] === ')') {
          this.pos = j + 1;
          return 0;
        }
        if (s[j] !== ':') throw UNREAD;
        this.pos = j + 1;
      }
    }
    const inner = this.alternation();
    if (s[this.pos] !== ')') throw UNREAD;
    this.pos++;
    return inner;
  }

  private escape(): number {
    const s = this.s;
    const next = s[this.pos + 1];
    // `\Q...\E` quotes a run whose last character a repetition takes alone.
    if (next === undefined || next === 'Q' || next === 'C') throw UNREAD;
    if (next === 'b' || next === 'B' || next === 'A' || next === 'z') {
      this.pos += 2;
      return 0;
    }
    if ((next === 'p' || next === 'P' || next === 'x') && s[this.pos + 2] === '{') {
      const close = s.indexOf('}', this.pos);
      if (close < 0) throw UNREAD;
      this.pos = close + 1;
      return 1;
    }
    if (next === 'x') {
      this.pos += 4;
      return 1;
    }
    if (next === 'p' || next === 'P') {
      this.pos += 3;
      return 1;
    }
    if (next >= '0' && next <= '7') {
      // An octal escape: up to three digits, one character.
      let j = this.pos + 1;
      while (j < this.pos + 4 && s[j] >= '0' && s[j] <= '7') j++;
      this.pos = j;
      return 1;
    }
    this.pos += 2;
    return 1;
  }

  /** `atom` with the repetition that follows it, if any. */
  private repeated(atom: number): number {
    const s = this.s;
    let times = 1;
    const c = s[this.pos];
    if (c === '*' || c === '?') {
      times = 0;
      this.pos++;
    } else if (c === '+') {
      this.pos++;
    } else if (c === '{') {
      const m = REPEAT.exec(s.slice(this.pos));
      if (!m) return atom;
      times = Number(m[1]);
      this.pos += m[0].length;
    } else {
      return atom;
    }
    if (s[this.pos] === '?') this.pos++; // lazy
    // A second repetition in a row is not RE2: leave the whole expression unread.
    if (s[this.pos] === '*' || s[this.pos] === '+' || s[this.pos] === '?' || (s[this.pos] === '{' && REPEAT.test(s.slice(this.pos)))) throw UNREAD;
    return atom * times;
  }
}
