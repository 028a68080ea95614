/**
 * A quick test of whether any of a few patterns may occur in a text, reading only some of its characters
 * (Wu-Manber's shift table over pairs of folded characters): a window as long as the shortest pattern moves
 * along the text, and its last two characters tell how far it can move without passing an occurrence. With
 * the long keyword texts of rules such as "Mimikatz Use", most windows move by nearly their whole length.
 * Where the last two characters allow no move, the window is compared with the pattern starts that end in
 * them, so that a pair in common (`.s` of `windows.sysmon_operational` and `mimidrv.sys`) costs one comparison,
 * not a full scan of the text.
 * It never says no when a pattern is there (whatever the case of either, see `case-fold.ts`); a yes may be
 * wrong (a pattern longer than the window may start there without going on), and is then settled by a full scan.
 */
import { foldChar } from './case-fold.ts';

/** Pair classes are two 7-bit halves; windows longer than this move no further than it. */
const MAX_SHIFT = 255;
/** Below this, a window moves too little for the skip scan to cost less than an automaton scan. */
const MIN_WORTHWHILE_WINDOW = 4;

/** A character's class: its folded form when that is ASCII, else 0 (shared by all others, and by NUL). */
function classOf(c: number): number {
  const f = foldChar(c);
  return f < 128 ? f : 0;
}

const ASCII_CLASS = Uint8Array.from({ length: 128 }, (_, c) => classOf(c));

/** A skip scan over `patterns` (folded texts) when their shortest is long enough for it to pay; else undefined. */
export function skipScanFor(patterns: string[]): SkipScan | undefined {
  return patterns.length > 0 && patterns.every((p) => p.length >= MIN_WORTHWHILE_WINDOW) ? new SkipScan(patterns) : undefined;
}

export class SkipScan {
  /** Length of the window: the shortest pattern's, at most `MAX_SHIFT + 1`. */
  private readonly window: number;
  /** By the class pair of a window's last two characters: how far the window may move (0: a pattern may end here). */
  private readonly shift = new Uint8Array(1 << 14);
  /** By the class pair of the pairs whose shift is 0: the windows (pattern starts) that end in it. */
  private readonly starts = new Map<number, string[]>();

  /** `patterns`: folded texts (`foldablePieces`), at least one, none shorter than 2 characters. */
  constructor(patterns: string[]) {
    const shortest = patterns.reduce((min, p) => Math.min(min, p.length), Infinity);
    if (!(shortest >= 2)) throw new Error('SkipScan: every pattern needs two characters or more');
    const m = Math.min(shortest, MAX_SHIFT + 1);
    this.window = m;
    this.shift.fill(m - 1);
    for (const p of patterns) {
      for (let j = 1; j < m; j++) {
        const pair = (classOf(p.charCodeAt(j - 1)) << 7) | classOf(p.charCodeAt(j));
        this.shift[pair] = Math.min(this.shift[pair], m - 1 - j);
      }
      const start = p.slice(0, m);
      const pair = (classOf(start.charCodeAt(m - 2)) << 7) | classOf(start.charCodeAt(m - 1));
      const starts = this.starts.get(pair);
      if (!starts) this.starts.set(pair, [start]);
      else if (!starts.includes(start)) starts.push(start);
    }
  }

  /** False when no pattern occurs in `text`; true when one may. */
  mayOccurIn(text: string): boolean {
    const shift = this.shift;
    const ascii = ASCII_CLASS;
    for (let i = this.window - 1; i < text.length; ) {
      const a = text.charCodeAt(i - 1);
      const b = text.charCodeAt(i);
      const pair = ((a < 128 ? ascii[a] : classOf(a)) << 7) | (b < 128 ? ascii[b] : classOf(b));
      const s = shift[pair];
      if (s !== 0) i += s;
      else if (startsAt(text, i + 1 - this.window, this.starts.get(pair)!)) return true;
      else i++;
    }
    return false;
  }
}

/** Whether one of `starts` (folded, all as long as the window) is in `text` at `at`, folded. */
function startsAt(text: string, at: number, starts: string[]): boolean {
  next: for (const start of starts) {
    for (let j = 0; j < start.length; j++) if (foldChar(text.charCodeAt(at + j)) !== start.charCodeAt(j)) continue next;
    return true;
  }
  return false;
}
