interface Entry<G> {
  k: string;
  g: G;
  /** towards the least recently seen end */
  p: Entry<G> | null;
  /** towards the most recently seen end */
  n: Entry<G> | null;
}

/**
 * Group states by key, in least-recently-seen order (a Map plus a doubly linked list), so eviction and
 * expiry take the oldest in O(1). A plain Map moved by delete+set leaves deleted slots at its front that
 * every `keys().next()` walks over, which the benchmark showed to be quadratic.
 */
export class GroupTable<G> {
  private readonly map = new Map<string, Entry<G>>();
  private head: Entry<G> | null = null;
  private tail: Entry<G> | null = null;

  get size(): number {
    return this.map.size;
  }

  /** The group, marked as the most recently seen. */
  use(key: string): G | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e !== this.tail) {
      this.unlink(e);
      this.append(e);
    }
    return e.g;
  }

  /** The group, without changing the order. */
  peek(key: string): G | undefined {
    return this.map.get(key)?.g;
  }

  /** Adds a new group as the most recently seen (the key must not be present). */
  add(key: string, g: G): void {
    const e: Entry<G> = { k: key, g, p: null, n: null };
    this.map.set(key, e);
    this.append(e);
  }

  delete(key: string): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.unlink(e);
  }

  /** The least recently seen group. */
  oldest(): { key: string; group: G } | undefined {
    return this.head ? { key: this.head.k, group: this.head.g } : undefined;
  }

  /** Oldest first. */
  *entries(): IterableIterator<[string, G]> {
    for (let e = this.head; e; e = e.n) yield [e.k, e.g];
  }

  private append(e: Entry<G>): void {
    e.p = this.tail;
    e.n = null;
    if (this.tail) this.tail.n = e;
    else this.head = e;
    this.tail = e;
  }

  private unlink(e: Entry<G>): void {
    if (e.p) e.p.n = e.n;
    else this.head = e.n;
    if (e.n) e.n.p = e.p;
    else this.tail = e.p;
    e.p = e.n = null;
  }
}
