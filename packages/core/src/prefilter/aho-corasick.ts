/**
 * Aho-Corasick automaton over UTF-16 code units: one pass over a text reports every pattern occurring in it.
 * Built once at load time. The root and its children, where a scan spends most of its steps, have complete
 * transition rows for ASCII; deeper states use their trie edges and failure links.
 */
const ASCII = 128;

export class AhoCorasick {
  private readonly edges: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  /** Patterns ending at a state (own output). */
  private readonly outputs: number[][] = [[]];
  /** Nearest state on the failure chain that has outputs (or 0). */
  private readonly dictLink: number[] = [0];
  /** Row of a state in `dense`, or -1. */
  private readonly denseRow: Int32Array;
  private readonly dense: Int32Array;
  /** Whether a state or its failure chain has outputs. */
  private readonly emits: Uint8Array;

  constructor(patterns: string[]) {
    patterns.forEach((p, id) => {
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        let t = this.edges[s].get(c);
        if (t === undefined) {
          t = this.edges.length;
          this.edges.push(new Map());
          this.fail.push(0);
          this.outputs.push([]);
          this.dictLink.push(0);
          this.edges[s].set(c, t);
        }
        s = t;
      }
      this.outputs[s].push(id);
    });
    const order: number[] = [...this.edges[0].values()];
    for (let q = 0; q < order.length; q++) {
      const s = order[q];
      for (const [c, t] of this.edges[s]) {
        order.push(t);
        let f = this.fail[s];
        while (f !== 0 && !this.edges[f].has(c)) f = this.fail[f];
        this.fail[t] = this.edges[f].get(c) ?? 0;
        const ft = this.fail[t];
        this.dictLink[t] = this.outputs[ft].length ? ft : this.dictLink[ft];
      }
    }
    const n = this.edges.length;
    this.emits = new Uint8Array(n);
    for (const s of [0, ...order]) this.emits[s] = this.outputs[s].length || this.dictLink[s] ? 1 : 0;
    const shallow = [0, ...this.edges[0].values()];
    this.denseRow = new Int32Array(n).fill(-1);
    this.dense = new Int32Array(shallow.length * ASCII);
    shallow.forEach((s, row) => (this.denseRow[s] = row));
    for (const s of shallow) {
      const base = this.denseRow[s] * ASCII;
      for (let c = 0; c < ASCII; c++) this.dense[base + c] = this.step(s, c);
    }
  }

  /** The full transition function, following failure links. */
  private step(s: number, c: number): number {
    for (;;) {
      const t = this.edges[s].get(c);
      if (t !== undefined) return t;
      if (s === 0) return 0;
      s = this.fail[s];
    }
  }

  /** Calls `hit(patternId)` for every pattern occurrence in `text` (possibly more than once per pattern). */
  scan(text: string, hit: (id: number) => void): void {
    const denseRow = this.denseRow;
    const dense = this.dense;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const row = denseRow[s];
      s = row >= 0 && c < ASCII ? dense[row * ASCII + c] : this.step(s, c);
      if (this.emits[s] === 0) continue;
      for (let o = this.outputs[s].length ? s : this.dictLink[s]; o !== 0; o = this.dictLink[o]) {
        const out = this.outputs[o];
        for (let k = 0; k < out.length; k++) hit(out[k]);
      }
    }
  }
}
