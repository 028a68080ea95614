/**
 * Finds which compiled rules match an event. Two filters run before a rule is evaluated:
 * its index key (a field that must equal one of some values, e.g. the log source's EventID), and its
 * necessary literals (texts one of which must occur in some field), checked for all rules at once with
 * one Aho-Corasick pass per field.
 */
import type { SocleEvent } from './event.ts';
import { AhoCorasick } from './prefilter/aho-corasick.ts';
import type { Literal } from './prefilter/literals.ts';
import type { Anchor, CompiledDetection } from './sigma/compile.ts';
import { EventContext, type FieldTable } from './sigma/context.ts';

const MAX_LITERAL = 12;
/** The slot of keyword (whole-event) searches. */
const KEYWORDS = -1;

export interface IndexedRule {
  compiled: CompiledDetection;
  literals?: Literal[];
}

interface Entry {
  compiled: CompiledDetection;
  position: number;
  /** Whether the rule has necessary literals; if so it is evaluated only when one of them was found. */
  prefiltered: boolean;
  /** The index key: a field that must hold one of these (lower-cased) values. */
  anchor?: { slot: number; values: Set<string> };
}

interface PathNode {
  children: Map<string, PathNode>;
  scanner?: SlotScanner;
}

interface SlotScanner {
  slot: number;
  automaton: AhoCorasick;
  /** Called with the automaton's pattern number on each occurrence. */
  hit: (i: number) => void;
}

export interface IndexStats {
  rules: number;
  anchored: number;
  unanchored: number;
  prefiltered: number;
  indexedFields: number;
  /** Rule evaluations so far. */
  evaluations: number;
}

export class RuleIndex {
  private readonly entries: Entry[];
  /** slot -> lower-cased value -> rules anchored on it */
  private readonly bySlot = new Map<number, Map<string, Entry[]>>();
  private readonly unanchored: Entry[] = [];
  private readonly anchorSlots: number[];
  private readonly ctx: EventContext;
  /** Per rule position: the epoch of the last event that reached it through the index. */
  private readonly seenEpoch: Int32Array;
  /** Per slot: the epoch of the last event whose value of it was scanned. */
  private readonly scannedEpoch: Int32Array;
  /** Prefiltered rules whose literals the current event holds, in the order found. */
  private readonly passed: Entry[] = [];
  private readonly scanners = new Map<number, SlotScanner>();
  /** Scanners by field path, so one walk over the event finds the fields worth scanning and skips the rest. */
  private readonly scannerPaths: PathNode = { children: new Map() };
  /** Scanner over every value of the event, for keyword searches. */
  private readonly keywordScanner: SlotScanner | undefined;
  /** Rules with keyword literals: the (costly) scan of every value of the event runs only when one may apply. */
  private readonly keywordEntries: Entry[];
  /** Per rule position: the epoch of the last event it was evaluated on (a rule is reached by several paths). */
  private readonly evaluatedEpoch: Int32Array;
  /** Global literal id -> positions of the rules that need it. */
  private readonly literalRules: Int32Array[];
  private readonly hitEpoch: Int32Array;
  /** Per rule position: the epoch of the last event in which one of its literals was found. */
  private readonly passEpoch: Int32Array;
  private epoch = 0;
  private evaluations = 0;

  constructor(rules: IndexedRule[], fields: FieldTable) {
    this.ctx = new EventContext(fields);
    // Distinct literal texts per slot become one automaton per slot.
    const textsBySlot = new Map<number, Map<string, number>>();
    let nextId = 0;
    const idOf = (l: Literal): number => {
      let texts = textsBySlot.get(l.slot);
      if (!texts) textsBySlot.set(l.slot, (texts = new Map()));
      // A prefix of a necessary text is necessary too; long texts (hashes, paths) are cut to keep automata small.
      const text = l.text.slice(0, MAX_LITERAL);
      let id = texts.get(text);
      if (id === undefined) texts.set(text, (id = nextId++));
      return id;
    };
    const needers: number[][] = [];
    this.entries = rules.map((r, position) => {
      for (const l of r.literals ?? []) {
        const id = idOf(l);
        (needers[id] ??= []).push(position);
      }
      return { compiled: r.compiled, position, prefiltered: (r.literals?.length ?? 0) > 0 };
    });
    this.literalRules = needers.map((list) => Int32Array.from(new Set(list)));
    this.hitEpoch = new Int32Array(nextId);
    this.passEpoch = new Int32Array(this.entries.length);
    this.seenEpoch = new Int32Array(this.entries.length);
    this.evaluatedEpoch = new Int32Array(this.entries.length);
    this.keywordEntries = this.entries.filter((e) => rules[e.position].literals?.some((l) => l.slot === KEYWORDS));
    this.scannedEpoch = new Int32Array(fields.names.length);
    for (const [slot, texts] of textsBySlot) {
      const list = [...texts.entries()];
      const globalIds = Int32Array.from(list.map(([, id]) => id));
      const scanner: SlotScanner = { slot, automaton: new AhoCorasick(list.map(([t]) => t)), hit: (i) => this.found(globalIds[i]) };
      this.scanners.set(slot, scanner);
      if (slot >= 0) {
        let node = this.scannerPaths;
        for (const part of fields.names[slot].split('.')) {
          let child = node.children.get(part);
          if (!child) node.children.set(part, (child = { children: new Map() }));
          node = child;
        }
        node.scanner = scanner;
      }
    }
    this.keywordScanner = this.scanners.get(KEYWORDS);
    const anchorOf = chooseAnchors(this.entries.map((e) => e.compiled.anchors));
    for (const e of this.entries) {
      const anchor = anchorOf[e.position];
      if (anchor) e.anchor = { slot: anchor.slot, values: new Set(anchor.values) };
      // Prefiltered rules are reached through their literals (see `found`), the others through the index.
      if (e.prefiltered) continue;
      if (!anchor) {
        this.unanchored.push(e);
        continue;
      }
      let byValue = this.bySlot.get(anchor.slot);
      if (!byValue) this.bySlot.set(anchor.slot, (byValue = new Map()));
      for (const v of anchor.values) {
        const list = byValue.get(v);
        if (list) list.push(e);
        else byValue.set(v, [e]);
      }
    }
    this.anchorSlots = [...this.bySlot.keys()];
  }

  /** Rules that match the event, in load order. */
  match(event: SocleEvent): CompiledDetection[] {
    const ctx = this.ctx.reset(event);
    const epoch = ++this.epoch;
    this.passed.length = 0;
    this.scanEvent(event, this.scannerPaths);
    const out: Entry[] = [];
    for (const e of this.unanchored) this.evaluate(e, out);
    for (const slot of this.anchorSlots) {
      const values = ctx.lowerStrings(slot);
      if (!values.length) continue;
      const byValue = this.bySlot.get(slot)!;
      for (const v of values) {
        const candidates = byValue.get(v);
        if (!candidates) continue;
        for (const e of candidates) {
          if (this.seenEpoch[e.position] === epoch) continue;
          this.seenEpoch[e.position] = epoch;
          this.evaluate(e, out);
        }
      }
    }
    for (const e of this.passed) if (!e.anchor || this.anchorHolds(e.anchor)) this.evaluate(e, out);
    let keywordsScanned = false;
    for (const e of this.keywordEntries) {
      if (this.evaluatedEpoch[e.position] === epoch || (e.anchor && !this.anchorHolds(e.anchor))) continue;
      if (!keywordsScanned) {
        keywordsScanned = true;
        const k = this.keywordScanner!;
        for (const v of ctx.keywordStrings()) k.automaton.scan(v, k.hit);
      }
      if (this.passEpoch[e.position] === epoch) this.evaluate(e, out);
    }
    if (out.length > 1) out.sort((a, b) => a.position - b.position);
    return out.map((e) => e.compiled);
  }

  private anchorHolds(anchor: NonNullable<Entry['anchor']>): boolean {
    const values = this.ctx.lowerStrings(anchor.slot);
    for (let i = 0; i < values.length; i++) if (anchor.values.has(values[i])) return true;
    return false;
  }

  private evaluate(e: Entry, out: Entry[]): void {
    if (this.evaluatedEpoch[e.position] === this.epoch) return;
    this.evaluatedEpoch[e.position] = this.epoch;
    this.evaluations++;
    if (e.compiled.match(this.ctx)) out.push(e);
  }

  /**
   * Walks the parts of the event that some scanner's field path leads into (nested and flat dotted names
   * alike, as field access reads them); every field with a scanner is scanned for its literals once, and the
   * rules that need them become worth evaluating.
   */
  private scanEvent(node: Record<string, unknown>, paths: PathNode): void {
    for (const key in node) {
      let next = paths.children.get(key);
      if (next === undefined) {
        if (!key.includes('.')) continue;
        next = paths;
        for (const part of key.split('.')) if (next) next = next.children.get(part);
        if (next === undefined) continue;
      }
      const value = node[key];
      if (value === null || value === undefined) continue;
      const scanner = next.scanner;
      if (scanner !== undefined && this.scannedEpoch[scanner.slot] !== this.epoch) {
        this.scannedEpoch[scanner.slot] = this.epoch;
        const values = this.ctx.lowerStrings(scanner.slot);
        for (let i = 0; i < values.length; i++) scanner.automaton.scan(values[i], scanner.hit);
      }
      if (typeof value === 'object' && next.children.size) {
        if (!Array.isArray(value)) this.scanEvent(value as Record<string, unknown>, next);
        else for (const el of value) if (el !== null && typeof el === 'object' && !Array.isArray(el)) this.scanEvent(el as Record<string, unknown>, next);
      }
    }
  }

  private found(literal: number): void {
    const epoch = this.epoch;
    if (this.hitEpoch[literal] === epoch) return;
    this.hitEpoch[literal] = epoch;
    const rules = this.literalRules[literal];
    for (let k = 0; k < rules.length; k++) {
      const position = rules[k];
      if (this.passEpoch[position] === epoch) continue;
      this.passEpoch[position] = epoch;
      this.passed.push(this.entries[position]);
    }
  }

  stats(): IndexStats {
    return {
      rules: this.entries.length,
      anchored: this.entries.filter((e) => e.anchor).length,
      unanchored: this.entries.filter((e) => !e.anchor).length,
      prefiltered: this.entries.filter((e) => e.prefiltered).length,
      indexedFields: this.anchorSlots.length,
      evaluations: this.evaluations,
    };
  }
}

/**
 * Picks each rule's index key among its candidates: the one whose values the fewest rules share, so that an
 * event reaches as few rules as possible (an EventID shared by a thousand rules is a poor key when the rule
 * also needs `OriginalFileName: whoami.exe`).
 */
function chooseAnchors(candidates: Anchor[][]): (Anchor | undefined)[] {
  const shared = new Map<string, number>();
  const key = (slot: number, v: string) => `${slot}\u0000${v}`;
  for (const anchors of candidates) {
    const seen = new Set<string>();
    for (const a of anchors) for (const v of a.values) seen.add(key(a.slot, v));
    for (const k of seen) shared.set(k, (shared.get(k) ?? 0) + 1);
  }
  return candidates.map((anchors) => {
    let best: Anchor | undefined;
    let bestCost = Infinity;
    for (const a of anchors) {
      let cost = 0;
      for (const v of a.values) cost += shared.get(key(a.slot, v)) ?? 0;
      if (cost < bestCost) {
        bestCost = cost;
        best = a;
      }
    }
    return best;
  });
}
