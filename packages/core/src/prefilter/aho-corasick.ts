/**
 * Aho-Corasick automaton over UTF-16 code units, case-insensitive: one pass over a text reports every pattern
 * occurring in it, whatever the case of either (see `case-fold.ts`), without lower-casing the text.
 * Built once at load time as a complete transition table over a compressed alphabet (every folded character
 * that appears in some pattern has a column; all others lead back to the root), so a scan costs one table
 * read per character and allocates nothing. Non-ASCII characters share a few columns (by their code, e.g. the
 * many emoji of some rules): the automaton may then report a pattern that is not there, never miss one that
 * is, which is what a prefilter needs, and its table stays small enough to scan from the processor's cache.
 */
import { foldChar } from './case-fold.ts';

const NON_ASCII_COLUMNS = 8;
const NO_OUTPUT: number[] = [];

export class AhoCorasick {
  /** Column of an ASCII character in `table` (upper and lower case share one); 0 for characters in no pattern. */
  private readonly asciiColumn = new Uint8Array(128);
  /** First of the non-ASCII columns (0: no pattern has non-ASCII characters). */
  private readonly nonAscii: number = 0;
  private readonly columns: number;
  /** Row by state, column by character class: the next state (16 bits wide when there are few enough states). */
  private readonly table16: Uint16Array | undefined;
  private readonly table32: Uint32Array | undefined;
  /** States from this number on report patterns (see the constructor). */
  private readonly firstReporting: number;
  /** Patterns ending at a state (own output). */
  private readonly outputs: number[][];
  /** Nearest state on the failure chain that has outputs (or 0). */
  private readonly dictLink: Int32Array;
  /** Texts shorter than this hold no pattern. */
  readonly minLength: number;
  /** Whether some pattern could occur in a number written out (`-12.5e+3`); if not, numbers need no scan. */
  readonly numeric: boolean;

  /** `patterns` must already be folded (`foldablePieces`). */
  constructor(patterns: string[]) {
    this.minLength = patterns.reduce((min, p) => Math.min(min, p.length), Infinity);
    this.numeric = patterns.some((p) => /^[-+.\deinfaty]+$/.test(p));
    let columns = 1;
    for (const p of patterns) {
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        if (c < 128 && this.asciiColumn[c] === 0) this.asciiColumn[c] = columns++;
        else if (c >= 128 && this.nonAscii === 0) this.nonAscii = -1;
      }
    }
    if (this.nonAscii === -1) {
      this.nonAscii = columns;
      columns += NON_ASCII_COLUMNS;
    }
    const columnOf = (c: number): number => (c < 128 ? this.asciiColumn[c] : this.nonAscii + (c % NON_ASCII_COLUMNS));
    // The trie, with edges by column.
    const edges: Map<number, number>[] = [new Map()];
    const outputs: number[][] = [[]];
    patterns.forEach((p, id) => {
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const col = columnOf(p.charCodeAt(i));
        let t = edges[s].get(col);
        if (t === undefined) {
          t = edges.length;
          edges.push(new Map());
          outputs.push([]);
          edges[s].set(col, t);
        }
        s = t;
      }
      outputs[s].push(id);
    });
    for (let c = 65; c <= 90; c++) this.asciiColumn[c] = this.asciiColumn[c + 32];
    this.columns = columns;
    const n = edges.length;
    const table = new Int32Array(n * columns);
    const fail = new Int32Array(n);
    const dictLink = new Int32Array(n);
    // Breadth-first: a state's failure target is complete before the state itself.
    const queue: number[] = [];
    for (const [col, t] of edges[0]) {
      table[col] = t;
      queue.push(t);
    }
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q];
      const f = fail[s];
      for (let col = 1; col < columns; col++) {
        const t = edges[s].get(col);
        if (t === undefined) {
          table[s * columns + col] = table[f * columns + col];
        } else {
          table[s * columns + col] = t;
          fail[t] = s === 0 ? 0 : table[f * columns + col];
          queue.push(t);
        }
      }
      dictLink[s] = outputs[f].length ? f : dictLink[f];
    }
    // Renumbered breadth-first, the states that report patterns last: the shallow states most text stays in
    // are contiguous, and one comparison tells whether a state reports anything.
    const order = [0, ...queue];
    const reports = (t: number) => outputs[t].length > 0 || dictLink[t] !== 0;
    const renumbered = [...order.filter((t) => !reports(t)), ...order.filter(reports)];
    const id = new Int32Array(n);
    renumbered.forEach((t, i) => (id[t] = i));
    this.firstReporting = renumbered.findIndex(reports);
    if (this.firstReporting < 0) this.firstReporting = n;
    const compact = n <= 65536 ? new Uint16Array(n * columns) : new Uint32Array(n * columns);
    for (let t = 0; t < n; t++) {
      const row = id[t] * columns;
      for (let col = 0; col < columns; col++) compact[row + col] = id[table[t * columns + col]];
    }
    this.table16 = compact instanceof Uint16Array ? compact : undefined;
    this.table32 = compact instanceof Uint32Array ? compact : undefined;
    // Most states report nothing: one shared empty list instead of one per state.
    this.outputs = renumbered.map((t) => (outputs[t].length ? outputs[t] : NO_OUTPUT));
    this.dictLink = Int32Array.from(renumbered, (t) => id[dictLink[t]]);
  }

  /** Calls `hit(patternId)` for every pattern occurrence in `text` (possibly more than once per pattern). */
  scan(text: string, hit: (id: number) => void): void {
    // Two copies of one loop, so that each reads one kind of typed array and stays fast.
    if (this.table16 !== undefined) this.scan16(this.table16, text, hit);
    else this.scan32(this.table32!, text, hit);
  }

  private scan16(table: Uint16Array, text: string, hit: (id: number) => void): void {
    const ascii = this.asciiColumn;
    const columns = this.columns;
    const first = this.firstReporting;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      s = table[s * columns + (c < 128 ? ascii[c] : this.nonAsciiColumn(c))];
      if (s >= first) this.report(s, hit);
    }
  }

  private scan32(table: Uint32Array, text: string, hit: (id: number) => void): void {
    const ascii = this.asciiColumn;
    const columns = this.columns;
    const first = this.firstReporting;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      s = table[s * columns + (c < 128 ? ascii[c] : this.nonAsciiColumn(c))];
      if (s >= first) this.report(s, hit);
    }
  }

  private report(state: number, hit: (id: number) => void): void {
    for (let o = this.outputs[state].length ? state : this.dictLink[state]; o !== 0; o = this.dictLink[o]) {
      const out = this.outputs[o];
      for (let k = 0; k < out.length; k++) hit(out[k]);
    }
  }

  private nonAsciiColumn(c: number): number {
    const f = foldChar(c);
    return f < 128 ? this.asciiColumn[f] : this.nonAscii === 0 ? 0 : this.nonAscii + (f % NON_ASCII_COLUMNS);
  }
}
