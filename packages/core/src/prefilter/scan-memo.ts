/**
 * What one field's scans found, by value: most values in event streams repeat (the same executables, hashes,
 * host and provider names, service command lines), and looking a string up in a Map (hashed natively) costs
 * far less than walking an automaton over it. Bounded twice: each memo keeps two generations, the older
 * dropped when the newer is full, so values in use stay and a burst of new ones cannot grow it; and all
 * memos of an index draw on one shared budget. Fields whose values hardly ever repeat (timestamps, GUIDs) are
 * noticed and scanned directly for a while, then measured again.
 */
const GENERATION_VALUES = 1024;
const GENERATION_CHARS = 32 * 1024;
/** Budget units an entry costs beyond its characters (the Map slot and the result array). */
const ENTRY_COST = 64;
/** Lookups per measurement, and the hits below which the field's values count as not repeating. */
const WINDOW = 1024;
const MIN_HITS = WINDOW / 8;
/** Values scanned directly, without the memo, after a measurement found too few repeats. */
const BYPASS = 16 * WINDOW;

const NOTHING = new Int32Array(0);
/** Shared by the memos that hold nothing yet (most fields of most groups): never written to. */
const EMPTY = new Map<string, Int32Array>();

/** What all memos of an index may hold together, in characters of values plus `ENTRY_COST` per value. */
export interface MemoBudget {
  left: number;
}

export class ScanMemo {
  private young = EMPTY;
  private old = EMPTY;
  private youngCost = 0;
  private oldCost = 0;
  private lookups = 0;
  private hits = 0;
  private bypass = 0;
  private lastText: string | undefined = undefined;
  private lastFound: Int32Array = NOTHING;

  constructor(private readonly budget: MemoBudget) {}

  /** Whether the memo is in use for the next value; when not, the caller scans directly. */
  active(): boolean {
    if (this.bypass === 0) return true;
    this.bypass--;
    return false;
  }

  /** The pattern numbers found in `text` earlier, if it was seen recently. */
  get(text: string): Int32Array | undefined {
    // The field's previous value first: often the same (one provider, channel or host after another), and
    // comparing two strings is much cheaper than hashing one.
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

  /** Stores what a scan of `text` found (`patterns` may hold repeats and is copied); returns it as kept. */
  set(text: string, patterns: number[]): Int32Array {
    const found = patterns.length === 0 ? NOTHING : Int32Array.from(new Set(patterns));
    if (this.remember(text, found)) {
      this.lastText = text;
      this.lastFound = found;
    }
    return found;
  }

  /** Whether it was kept (not when measuring found the field's values unique, nor beyond the budget). */
  private remember(text: string, found: Int32Array): boolean {
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
