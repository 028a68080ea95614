import { compileFieldGetter, type FieldGetter, type SocleEvent } from '../event.ts';
import { MAX_EVENT_DEPTH, tooDeep } from '../invalid-event.ts';

/**
 * Every field name any loaded rule reads gets one slot, shared by all rules, so an event's field is read
 * and lower-cased at most once however many rules look at it.
 */
export class FieldTable {
  readonly names: string[] = [];
  readonly getters: FieldGetter[] = [];
  private readonly index = new Map<string, number>();

  slot(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.index.set(name, i);
      this.names.push(name);
      this.getters.push(compileFieldGetter(name));
    }
    return i;
  }
}

const NONE: string[] = [];

/** Per-event memo of field reads; `reset` makes it ready for the next event without clearing arrays. */
export class EventContext {
  event: SocleEvent = {};
  private epoch = 0;
  // Dense arrays sized to the field table: sparse writes would turn them into slow dictionaries.
  private stamps = new Int32Array(0);
  private raws: unknown[] = [];
  /** Computed on first use: the dispatch fields are read raw only. */
  private strs: (string[] | undefined)[] = [];
  private lowers: (string[] | undefined)[] = [];
  /**
   * Per slot, the arrays that `strs` and `lowers` hold for a single value (most fields), filled anew each event
   * rather than allocated: what a caller gets is valid until the next `reset`.
   */
  private singles: [string][] = [];
  private lowerSingles: [string][] = [];
  private keywordEpoch = -1;
  private keywordValues: string[] = NONE;

  constructor(private readonly fields: FieldTable) {
    this.grow();
  }

  /** Makes room for every slot of the field table (it may have grown since the last event). */
  private grow(): void {
    const n = this.fields.names.length;
    const stamps = new Int32Array(n);
    stamps.set(this.stamps);
    this.stamps = stamps;
    for (let i = this.raws.length; i < n; i++) {
      this.raws.push(undefined);
      this.strs.push(undefined);
      this.lowers.push(undefined);
      this.singles.push(['']);
      this.lowerSingles.push(['']);
    }
  }

  reset(event: SocleEvent): this {
    this.event = event;
    this.epoch++;
    return this;
  }

  private load(slot: number): void {
    if (slot >= this.stamps.length) this.grow();
    const raw = this.fields.getters[slot](this.event);
    this.stamps[slot] = this.epoch;
    this.raws[slot] = raw;
    this.strs[slot] = undefined;
    this.lowers[slot] = undefined;
  }

  /** The field's value as found in the event (`undefined` when absent). */
  raw(slot: number): unknown {
    if (this.stamps[slot] !== this.epoch) this.load(slot);
    return this.raws[slot];
  }

  /** The field's scalar values as strings (an array field gives one per element); empty when absent or null. */
  strings(slot: number): string[] {
    if (this.stamps[slot] !== this.epoch) this.load(slot);
    let s = this.strs[slot];
    if (s === undefined) {
      const raw = this.raws[slot];
      const one = scalarString(raw);
      if (one === undefined) {
        s = toStrings(raw);
      } else {
        s = this.singles[slot];
        s[0] = one;
      }
      this.strs[slot] = s;
    }
    return s;
  }

  lowerStrings(slot: number): string[] {
    if (this.stamps[slot] !== this.epoch) this.load(slot);
    let l = this.lowers[slot];
    if (l === undefined) {
      const s = this.strings(slot);
      if (s.length === 1) {
        l = this.lowerSingles[slot];
        l[0] = s[0].toLowerCase();
      } else {
        l = s.length === 0 ? NONE : s.map((x) => x.toLowerCase());
      }
      this.lowers[slot] = l;
    }
    return l;
  }

  /** Every scalar value anywhere in the event, lower-cased: what keyword searches look at. */
  keywordStrings(): string[] {
    if (this.keywordEpoch !== this.epoch) {
      const out: string[] = [];
      collectLeaves(this.event, out);
      this.keywordValues = out;
      this.keywordEpoch = this.epoch;
    }
    return this.keywordValues;
  }

  keywordStringsCased(): string[] {
    const out: string[] = [];
    collectLeaves(this.event, out, false);
    return out;
  }
}

function scalarString(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'bigint':
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return undefined;
  }
}

/** The strings of a value that is not a scalar: an array's scalars, however deep (up to `MAX_EVENT_DEPTH`). */
function toStrings(raw: unknown): string[] {
  if (!Array.isArray(raw)) return NONE;
  const out: string[] = [];
  const walk = (a: unknown[], depth: number) => {
    if (depth === MAX_EVENT_DEPTH) throw tooDeep();
    for (const x of a) {
      const y = scalarString(x);
      if (y !== undefined) out.push(y);
      else if (Array.isArray(x)) walk(x, depth + 1);
    }
  };
  walk(raw, 1);
  return out;
}

/** Every scalar under `node`, `depth` levels of objects and arrays below the event. */
function collectLeaves(node: unknown, out: string[], lower = true, depth = 0): void {
  const s = scalarString(node);
  if (s !== undefined) {
    out.push(lower ? s.toLowerCase() : s);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  if (depth === MAX_EVENT_DEPTH) throw tooDeep();
  if (Array.isArray(node)) for (const x of node) collectLeaves(x, out, lower, depth + 1);
  else for (const k in node as Record<string, unknown>) collectLeaves((node as Record<string, unknown>)[k], out, lower, depth + 1);
}
