/**
 * Regular expressions (RE2 syntax) read into a tree, as far as Socle looks inside them: which characters are fixed
 * text (for the prefilter, `prefilter/regex-literals.ts`) and how few a match can span (`regex-min-length.ts`).
 * One reader for both, so that they can never disagree on what an expression says. Only expressions RE2 accepted
 * are read; what the reader does not understand is an `opaque` node, or no tree at all.
 */

export type RegexNode =
  /** One literal character (escapes decoded): one code point. */
  | { kind: 'char'; text: string }
  /** One character that is no fixed text: `.`, a class, `\d`, `\pL`, an octal escape. */
  | { kind: 'one' }
  /** An assertion, matching no character: `^`, `$`, `\b`, `\A`, `\z`, a flag group such as `(?i)`. */
  | { kind: 'empty' }
  /** Read past, not understood: `\Q...\E`, `\C`, a look-around. */
  | { kind: 'opaque' }
  | { kind: 'group'; item: RegexNode }
  | { kind: 'seq'; items: RegexNode[] }
  | { kind: 'alt'; branches: RegexNode[] }
  /** `item` at least `min` times (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, lazy or not). */
  | { kind: 'repeat'; item: RegexNode; min: number };

/** The tree of `source`; undefined when it does not read to its end (an unbalanced parenthesis, ...). */
export function parseRegex(source: string): RegexNode | undefined {
  const reader = new RegexReader(source);
  try {
    const node = reader.alternation();
    return reader.pos === source.length ? node : undefined;
  } catch (err) {
    if (err === UNREAD) return undefined;
    throw err;
  }
}

/**
 * Where the character class opened at `at` ends: the index of its `]` (the length when it is not closed). A leading
 * `]`, escaped characters and POSIX classes (`[:alpha:]`) do not close it.
 */
export function classEnd(source: string, at: number): number {
  let j = at + 1;
  if (source[j] === '^') j++;
  if (source[j] === ']') j++;
  while (j < source.length && source[j] !== ']') {
    const posix = source[j] === '[' && source[j + 1] === ':' ? source.indexOf(':]', j + 2) : -1;
    j = posix >= 0 ? posix + 2 : j + (source[j] === '\\' ? 2 : 1);
  }
  return j;
}

/** Thrown where the reader cannot go on. */
const UNREAD = new Error('not understood');

const REPEAT = /^\{(\d+)(?:,(\d*))?\}/;
/** Characters that stand for themselves after a backslash. */
const ESCAPED_LITERAL = /[\\.*+?()[\]{}|^$\/\-#&~ '"!%,:;<=>@_`]/;
/** Escapes RE2 reads as one control character (`\n\n\n` is how a rule asks for blank lines). */
const CONTROL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07' };
const ONE: RegexNode = { kind: 'one' };
const EMPTY: RegexNode = { kind: 'empty' };
const OPAQUE: RegexNode = { kind: 'opaque' };

class RegexReader {
  pos = 0;
  constructor(private readonly s: string) {}

  alternation(): RegexNode {
    const branches = [this.sequence()];
    while (this.s[this.pos] === '|') {
      this.pos++;
      branches.push(this.sequence());
    }
    return branches.length === 1 ? branches[0] : { kind: 'alt', branches };
  }

  private sequence(): RegexNode {
    const items: RegexNode[] = [];
    while (this.pos < this.s.length && this.s[this.pos] !== '|' && this.s[this.pos] !== ')') items.push(this.repeated(this.atom()));
    return { kind: 'seq', items };
  }

  private atStartOfRepeat(): boolean {
    const c = this.s[this.pos];
    return c === '*' || c === '+' || c === '?' || (c === '{' && REPEAT.test(this.s.slice(this.pos)));
  }

  private atom(): RegexNode {
    const s = this.s;
    const c = s[this.pos];
    if (c === '(') return this.group();
    if (c === '[') {
      const end = classEnd(s, this.pos);
      if (end >= s.length) throw UNREAD;
      this.pos = end + 1;
      return ONE;
    }
    if (c === '\\') return this.escape();
    if (c === '^' || c === '$') {
      this.pos++;
      return EMPTY;
    }
    if (c === '.') {
      this.pos++;
      return ONE;
    }
    if (this.atStartOfRepeat()) throw UNREAD; // a repetition of nothing
    // A literal character (`{` not starting a repetition is one): a whole code point.
    const text = String.fromCodePoint(s.codePointAt(this.pos)!);
    this.pos += text.length;
    return { kind: 'char', text };
  }

  private group(): RegexNode {
    const s = this.s;
    this.pos++;
    let lookaround = false;
    if (s[this.pos] === '?') {
      const c = s[this.pos + 1];
      if (c === ':') {
        this.pos += 2;
      } else if (c === '=' || c === '!' || (c === '<' && (s[this.pos + 2] === '=' || s[this.pos + 2] === '!'))) {
        lookaround = true;
        this.pos += c === '<' ? 3 : 2;
      } else if (c === 'P' || c === '<') {
        const close = s.indexOf('>', this.pos);
        if (close < 0) throw UNREAD;
        this.pos = close + 1;
      } else {
        // Flags: `(?i)` sets them and matches nothing, `(?i:...)` is a group.
        let j = this.pos + 1;
        while (j < s.length && /[a-zA-Z-]/.test(s[j])) j++;
        if (s[j] !== ')' && s[j] !== ':') throw UNREAD;
        this.pos = j + 1;
        if (s[j] === ')') return EMPTY;
      }
    }
    const item = this.alternation();
    if (s[this.pos] !== ')') throw UNREAD;
    this.pos++;
    return lookaround ? OPAQUE : { kind: 'group', item };
  }

  private escape(): RegexNode {
    const s = this.s;
    const next = s[this.pos + 1];
    if (next === undefined) throw UNREAD;
    this.pos += 2;
    if (ESCAPED_LITERAL.test(next)) return { kind: 'char', text: next };
    if (Object.hasOwn(CONTROL_ESCAPES, next)) return { kind: 'char', text: CONTROL_ESCAPES[next] };
    switch (next) {
      case 'b':
      case 'B':
      case 'A':
      case 'z':
        return EMPTY;
      case 'C':
        return OPAQUE;
      case 'Q': {
        const close = s.indexOf('\\E', this.pos);
        this.pos = close < 0 ? s.length : close + 2;
        return OPAQUE;
      }
      case 'x': {
        const braced = s[this.pos] === '{';
        const end = braced ? s.indexOf('}', this.pos) : this.pos + 2;
        if (end < 0) throw UNREAD;
        const hex = s.slice(braced ? this.pos + 1 : this.pos, end);
        this.pos = braced ? end + 1 : end;
        const code = /^[0-9a-fA-F]{1,6}$/.test(hex) ? parseInt(hex, 16) : NaN;
        return code <= 0x10ffff ? { kind: 'char', text: String.fromCodePoint(code) } : ONE;
      }
      case 'p':
      case 'P':
        if (s[this.pos] !== '{') this.pos++;
        else {
          const close = s.indexOf('}', this.pos);
          if (close < 0) throw UNREAD;
          this.pos = close + 1;
        }
        return ONE;
    }
    // An octal escape takes up to three digits; \d \w \s and the like are one character of a class.
    if (next >= '0' && next <= '7') for (let n = 1; n < 3 && s[this.pos] >= '0' && s[this.pos] <= '7'; n++) this.pos++;
    return ONE;
  }

  /** `item` with the repetition that follows it, if any. */
  private repeated(item: RegexNode): RegexNode {
    const s = this.s;
    const c = s[this.pos];
    let min = 1;
    if (c === '*' || c === '?') {
      min = 0;
      this.pos++;
    } else if (c === '+') {
      this.pos++;
    } else if (c === '{') {
      const m = REPEAT.exec(s.slice(this.pos));
      if (!m) return item;
      min = Number(m[1]);
      this.pos += m[0].length;
    } else {
      return item;
    }
    if (s[this.pos] === '?') this.pos++; // lazy
    if (this.atStartOfRepeat()) throw UNREAD; // a repetition of a repetition is not RE2
    return { kind: 'repeat', item, min };
  }
}
