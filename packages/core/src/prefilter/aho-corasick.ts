/**
 * Aho-Corasick automaton over UTF-16 code units: one pass over a text reports every pattern occurring in it.
 * Built once at load time as a complete transition table over a compressed alphabet (every character that
 * appears in some pattern has a column; all others lead back to the root), so a scan costs one table read
 * per character and allocates nothing. Once 255 columns are taken, further (rare, non-ASCII) characters share
 * the last column: the automaton may then report a pattern that is not there, never miss one that is, which is
 * what a prefilter needs.
 */
const SHARED_COLUMN = 255;

export class AhoCorasick {
  /** Column of a character in `table`; 0 for characters that appear in no pattern. */
  private readonly asciiColumn = new Uint8Array(128);
  private readonly otherColumn = new Map<number, number>();
  private readonly columns: number;
  private readonly table: Int32Array;
  /** Patterns ending at a state (own output). */
  private readonly outputs: number[][];
  /** Nearest state on the failure chain that has outputs (or 0). */
  private readonly dictLink: Int32Array;
  /** Whether a state or its failure chain has outputs. */
  private readonly emits: Uint8Array;

  constructor(patterns: string[]) {
    let columns = 1;
    for (const p of patterns) {
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        if (c < 128 && this.asciiColumn[c] === 0) this.asciiColumn[c] = columns++;
      }
    }
    const columnOf = (c: number): number => {
      if (c < 128) return this.asciiColumn[c];
      let col = this.otherColumn.get(c);
      if (col === undefined) this.otherColumn.set(c, (col = Math.min(columns++, SHARED_COLUMN)));
      return col;
    };
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
    this.columns = Math.min(columns, SHARED_COLUMN + 1);
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
    this.table = table;
    this.outputs = outputs;
    this.dictLink = dictLink;
    this.emits = new Uint8Array(n);
    for (let s = 1; s < n; s++) this.emits[s] = outputs[s].length || dictLink[s] ? 1 : 0;
  }

  /** Calls `hit(patternId)` for every pattern occurrence in `text` (possibly more than once per pattern). */
  scan(text: string, hit: (id: number) => void): void {
    const table = this.table;
    const columns = this.columns;
    const ascii = this.asciiColumn;
    const emits = this.emits;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const col = c < 128 ? ascii[c] : (this.otherColumn.get(c) ?? 0);
      s = table[s * columns + col];
      if (emits[s] === 0) continue;
      for (let o = this.outputs[s].length ? s : this.dictLink[s]; o !== 0; o = this.dictLink[o]) {
        const out = this.outputs[o];
        for (let k = 0; k < out.length; k++) hit(out[k]);
      }
    }
  }
}
