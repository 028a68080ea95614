/**
 * One canonical character per case class, for prefilters that must find a text whatever its case: a superset
 * of both `toLowerCase` equality (Sigma's default matching) and RE2's `(?i)` simple case folding, so `K`
 * (Kelvin sign), `k` and `K` all fold to `k`, and `ſ`, `s`, `S` to `s`. Computed per UTF-16 code unit, once.
 */
const table = new Uint16Array(65536);
const DOTTED_CAPITAL_I = 0x130; // lower-cases to two characters, `i` + U+0307

function single(s: string, fallback: number): number {
  return s.length === 1 ? s.charCodeAt(0) : fallback;
}

function compute(c: number): number {
  if (c === DOTTED_CAPITAL_I) return 0x69;
  const lower = single(String.fromCharCode(c).toLowerCase(), c);
  const upper = String.fromCharCode(lower).toUpperCase();
  return upper.length === 1 ? single(upper.toLowerCase(), lower) : lower;
}

/** The canonical form of one UTF-16 code unit (surrogates stay as they are). */
export function foldChar(c: number): number {
  if (c < 128) return c >= 65 && c <= 90 ? c + 32 : c;
  let f = table[c];
  if (f === 0) table[c] = f = compute(c);
  return f;
}

/**
 * The pieces of a (rule) text that a folding scan can find: characters that do not fold on their own, or
 * only together with their neighbours (U+0307 after `i`, cased characters beyond the BMP, lone surrogates),
 * split the text; every piece is still necessary wherever the whole text is. Emoji and other uncased
 * characters beyond the BMP stay (as their two code units).
 */
export function foldablePieces(text: string): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const ch of text.toLowerCase()) {
    const cp = ch.codePointAt(0)!;
    const splits = cp === 0x307 || (cp >= 0xd800 && cp <= 0xdfff) || (cp > 0xffff && (ch.toUpperCase() !== ch || ch.toLowerCase() !== ch));
    if (splits) {
      if (piece) pieces.push(piece);
      piece = '';
    } else {
      piece += ch.length === 1 ? String.fromCharCode(foldChar(cp)) : ch;
    }
  }
  if (piece) pieces.push(piece);
  return pieces;
}
