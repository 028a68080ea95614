/**
 * What texts every match of a regular expression (RE2 syntax) must contain, as an and/or tree of literal
 * runs: `ab(c|de)+f` needs `ab`, then `c` or `de`, then `f`. Anything not understood is "no requirement",
 * never a wrong one, since the prefilter built from it must not drop a matching event.
 */
import { classEnd } from '../sigma/regex.ts';

export type TextNeed = { text: string } | { all: TextNeed[] } | { any: TextNeed[] } | undefined;

/** Characters that stand for themselves after a backslash. */
const ESCAPED_LITERAL = /[\\.*+?()[\]{}|^$\/\-#&~ '"!%,:;<=>@_`]/;
const REPEAT = /^\{(\d+)(?:,(\d*))?\}/;
/** Escapes RE2 reads as one control character (`\n\n\n` is how a rule asks for blank lines). */
const CONTROL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07' };

export function regexNeed(source: string): TextNeed {
  const p = new RegexReader(source);
  const need = p.alternation();
  // A stray `)` means the reading went wrong: claim nothing.
  return p.pos === source.length ? need : undefined;
}

class RegexReader {
  pos = 0;
  constructor(private readonly s: string) {}

  alternation(): TextNeed {
    const branches: TextNeed[] = [this.sequence()];
    while (this.s[this.pos] === '|') {
      this.pos++;
      branches.push(this.sequence());
    }
    if (branches.some((b) => b === undefined)) return undefined;
    return branches.length === 1 ? branches[0] : { any: branches };
  }

  private sequence(): TextNeed {
    const s = this.s;
    const parts: TextNeed[] = [];
    let run = '';
    const end = () => {
      if (run) parts.push({ text: run });
      run = '';
    };
    while (this.pos < s.length && s[this.pos] !== '|' && s[this.pos] !== ')') {
      const c = s[this.pos];
      if (c === '(') {
        end();
        const group = this.group();
        if (!this.optional() && group) parts.push(group);
        continue;
      }
      let char: string | undefined;
      if (c === '[') {
        this.skipClass();
      } else if (c === '\\') {
        char = this.escape();
      } else if (c === '.' || c === '^' || c === '$') {
        this.pos++;
      } else if (c === '*' || c === '+' || c === '?' || (c === '{' && REPEAT.test(s.slice(this.pos)))) {
        // A quantifier with nothing before it that we kept (after a class or an anchor).
        this.optional();
      } else {
        char = c;
        this.pos++;
      }
      if (char === undefined) {
        end();
        continue;
      }
      const before = this.pos;
      const optional = this.optional();
      if (this.pos === before) run += char;
      else {
        // Quantified: absent (`?`, `*`, `{0,n}`) or repeated, so it ends the run; `+` and `{n>0}` keep it once.
        if (!optional) run += char;
        end();
      }
    }
    end();
    if (parts.length === 0) return undefined;
    return parts.length === 1 ? parts[0] : { all: parts };
  }

  /** Reads a quantifier if there is one; true when it allows zero repetitions. */
  private optional(): boolean {
    const s = this.s;
    const c = s[this.pos];
    let zero = false;
    if (c === '*' || c === '?') {
      zero = true;
      this.pos++;
    } else if (c === '+') {
      this.pos++;
    } else if (c === '{') {
      const m = REPEAT.exec(s.slice(this.pos));
      if (!m) return false;
      zero = Number(m[1]) === 0;
      this.pos += m[0].length;
    } else {
      return false;
    }
    if (s[this.pos] === '?' || s[this.pos] === '+') this.pos++; // lazy or possessive
    return zero;
  }

  /** A group `( ... )`: what its content needs; flag-only groups such as `(?i)` need nothing. */
  private group(): TextNeed {
    const s = this.s;
    this.pos++; // (
    let lookaround = false;
    if (s[this.pos] === '?') {
      this.pos++;
      if (s[this.pos] === 'P' || (s[this.pos] === '<' && s[this.pos + 1] !== '=' && s[this.pos + 1] !== '!')) {
        this.pos = s.indexOf('>', this.pos) + 1; // named group
      } else if (s[this.pos] === '=' || s[this.pos] === '!' || s[this.pos] === '<') {
        lookaround = true;
      } else {
        while (this.pos < s.length && /[a-zA-Z-]/.test(s[this.pos])) this.pos++;
        if (s[this.pos] === ')') {
          this.pos++;
          return undefined;
        }
        if (s[this.pos] === ':') this.pos++;
      }
    }
    const inner = this.alternation();
    if (s[this.pos] === ')') this.pos++;
    else this.pos = s.length + 1; // unbalanced: the caller sees the reading fail
    return lookaround ? undefined : inner;
  }

  private skipClass(): void {
    this.pos = classEnd(this.s, this.pos) + 1;
  }

  /** Reads an escape; the character it stands for when that is a plain literal, otherwise undefined. */
  private escape(): string | undefined {
    const s = this.s;
    const next = s[this.pos + 1];
    this.pos += 2;
    if (next === undefined) return undefined;
    if (ESCAPED_LITERAL.test(next)) return next;
    if (Object.hasOwn(CONTROL_ESCAPES, next)) return CONTROL_ESCAPES[next];
    if (next === 'x') {
      const braced = s[this.pos] === '{';
      const end = braced ? s.indexOf('}', this.pos) : this.pos + 2;
      const hex = s.slice(braced ? this.pos + 1 : this.pos, end);
      this.pos = braced ? end + 1 : end;
      const code = /^[0-9a-fA-F]{1,6}$/.test(hex) ? parseInt(hex, 16) : NaN;
      return code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
    }
    if (next === 'p' || next === 'P') {
      if (s[this.pos] === '{') this.pos = s.indexOf('}', this.pos) + 1;
      else this.pos += 1;
    } else if (next >= '0' && next <= '7') {
      while (this.pos < s.length && /[0-7]/.test(s[this.pos])) this.pos++;
    } else if (next === 'Q') {
      const close = s.indexOf('\\E', this.pos);
      this.pos = close < 0 ? s.length : close + 2;
    }
    // \d \w \s \b \pL ...: a class or an assertion; not literal text.
    return undefined;
  }
}
