/**
 * What a costly function of an event's text gave, by text: a field's literal scan, a regular expression's or an
 * address range's verdict. Most values in event streams repeat (the same executables, hashes, host and provider
 * names, service command lines), and looking a string up in a Map (hashed natively) costs far less than walking
 * an automaton or a regular expression over it. Bounded twice: each memo keeps two generations, the older dropped
 * when the newer is full, so values in use stay and a burst of new ones cannot grow it; and all memos of an engine
 * draw on one shared budget. Texts that hardly ever repeat (timestamps, GUIDs) are noticed and left to the
 * function for a while, then measured again.
 */
const GENERATION_VALUES = 1024;
const GENERATION_CHARS = 32 * 1024;
/** Budget units an entry costs beyond its characters (the Map slot and the result array). */
const ENTRY_COST = 64;
/** Lookups per measurement, and the hits below which the texts count as not repeating. */
const WINDOW = 1024;
const MIN_HITS = WINDOW / 8;
/** Texts left to the function, without the memo, after a measurement found too few repeats. */
const BYPASS = 16 * WINDOW;

/** Shared by the memos that hold nothing yet (most of them): never written to. */
const EMPTY = new Map<string, never>();

/** What all memos of an engine may hold together, in characters of texts plus `ENTRY_COST` per text. */
export interface MemoBudget {
  left: number;
}

/** About 8-16 MB of remembered texts, a few thousand per field. */
export const DEFAULT_MEMO_CHARS = 4_000_000;

/** A budget of `chars` (characters of texts plus `ENTRY_COST` per text); none for 0, which turns memos off. */
export function memoBudget(chars: number): MemoBudget | undefined {
  return chars > 0 ? { left: chars } : undefined;
}

/**
 * `test` with its verdicts on recent texts remembered (within `budget`); `test` itself without a budget. For
 * tests that cost more than a lookup: regular expressions, address ranges.
 */
export function rememberVerdicts(
  test: (text: string) => boolean,
  budget: MemoBudget | undefined,
): (text: string) => boolean {
  if (!budget) return test;
  const memo = new ValueMemo<boolean>(budget);
  return (text) => {
    if (!memo.active()) return test(text);
    const known = memo.get(text);
    return known === undefined ? memo.set(text, test(text)) : known;
  };
}

export class ValueMemo<T> {
  private young: Map<string, T> = EMPTY;
  private old: Map<string, T> = EMPTY;
  private youngCost = 0;
  private oldCost = 0;
  private lookups = 0;
  private hits = 0;
  private bypass = 0;
  private lastText: string | undefined = undefined;
  private lastFound: T | undefined = undefined;

  constructor(private readonly budget: MemoBudget) {}

  /** Whether the memo is in use for the next text; when not, the caller computes directly. */
  active(): boolean {
    if (this.bypass === 0) return true;
    this.bypass--;
    return false;
  }

  /** What was stored for `text`, if it was seen recently. */
  get(text: string): T | undefined {
    // The previous text first: often the same (one provider, channel or host after another), and comparing two
    // strings is much cheaper than hashing one.
    let found = text === this.lastText ? this.lastFound : this.young.get(text);
    if (found === undefined) {
      found = this.old.get(text);
      if (found !== undefined) this.remember(text, found);
    }
    if (found !== undefined) {
      this.hits++;
      this.lastText = text;
      this.lastFound = found;
    }
    if (++this.lookups === WINDOW) {
      if (this.hits < MIN_HITS) {
        this.bypass = BYPASS;
        this.release(this.youngCost + this.oldCost);
        this.young = EMPTY;
        this.old = EMPTY;
        this.youngCost = this.oldCost = 0;
        this.lastText = undefined;
      }
      this.lookups = this.hits = 0;
    }
    return found;
  }

  /** Stores what `text` gave (`found`, returned as it is). */
  set(text: string, found: T): T {
    if (this.remember(text, found)) {
      this.lastText = text;
      this.lastFound = found;
    }
    return found;
  }

  /** Whether it was kept (not when measuring found the texts unique, nor beyond the budget). */
  private remember(text: string, found: T): boolean {
    if (this.bypass > 0) return false;
    const cost = text.length + ENTRY_COST;
    if (this.young.size >= GENERATION_VALUES || this.youngCost >= GENERATION_CHARS || this.budget.left < cost) {
      this.release(this.oldCost);
      this.old = this.young;
      this.oldCost = this.youngCost;
      this.young = EMPTY;
      this.youngCost = 0;
      if (this.budget.left < cost) return false;
    }
    if (this.young === EMPTY) this.young = new Map();
    this.young.set(text, found);
    this.youngCost += cost;
    this.budget.left -= cost;
    return true;
  }

  private release(cost: number): void {
    this.budget.left += cost;
  }
}
