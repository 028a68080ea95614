/** Tokeniser for `key=value` text separated by whitespace, shared by the kv, auditd, iptables and PAM parsers. */

export interface KeyValueToken {
  /** Undefined for a bare word (`SYN` in an iptables line). */
  key?: string;
  value: string;
  /** Whether the value was quoted (auditd hex-encodes only unquoted values). */
  quoted: boolean;
  /** 0-based index of the token in the input, for error messages. */
  column: number;
}

export interface KeyValueResult {
  tokens: KeyValueToken[];
  /** Set when a quoted value is not closed; tokens read so far are still returned. */
  error?: string;
  /** 0-based index in the input where the unclosed value's key starts. */
  errorAt?: number;
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

/**
 * Reads `a=1 b="two words" c='x' d= e=\"q\"`. Inside quotes a backslash escapes the next character
 * (`\"`, `\\`, `\n`, `\t`, `\r` are decoded, any other pair keeps the character).
 */
export function tokenizeKeyValues(text: string, quotes = '"\''): KeyValueResult {
  const tokens: KeyValueToken[] = [];
  let i = 0;
  while (i < text.length) {
    while (isSpace(text[i])) i++;
    if (i >= text.length) break;
    const start = i;
    while (i < text.length && text[i] !== '=' && !isSpace(text[i])) i++;
    if (text[i] !== '=' || i === start) {
      while (i < text.length && !isSpace(text[i])) i++;
      tokens.push({ value: text.slice(start, i), quoted: false, column: start });
      continue;
    }
    const key = text.slice(start, i);
    i++;
    const quote = text[i];
    if (quote !== undefined && quotes.includes(quote)) {
      i++;
      let value = '';
      let runStart = i;
      let closed = false;
      while (i < text.length) {
        const c = text[i];
        if (c === quote) {
          value += text.slice(runStart, i);
          i++;
          closed = true;
          break;
        }
        if (c === '\\' && i + 1 < text.length) {
          const next = text[i + 1];
          value += text.slice(runStart, i) + (next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next);
          i += 2;
          runStart = i;
          continue;
        }
        i++;
      }
      if (!closed) {
        tokens.push({ key, value: value + text.slice(runStart), quoted: true, column: start });
        return { tokens, error: `unterminated ${quote} quote in the value of '${key}'`, errorAt: start };
      }
      tokens.push({ key, value, quoted: true, column: start });
    } else {
      const valueStart = i;
      while (i < text.length && !isSpace(text[i])) i++;
      tokens.push({ key, value: text.slice(valueStart, i), quoted: false, column: start });
    }
  }
  return { tokens };
}
